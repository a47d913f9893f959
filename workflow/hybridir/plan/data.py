"""The data stages' part of the plan: which datasets are fetched, translated into which languages
in how many shards, and joined into the parallel corpus that training reads."""

import os

from hybridir import layout
from hybridir.fetch.negatives import negatives_to_mine
from hybridir.languages import LASER_CODES
from hybridir.locations import fill_template, is_remote, local_files
from hybridir.plan.entries import Entries

# Formats that read plain files whatever their suffix (Tatoeba's tatoeba.deu-eng.deu, BUCC's .gold).
PLAIN_FILE_FORMATS = ("tatoeba", "bucc")


def template_values(spec: dict) -> list[dict[str, str]]:
    """Every set of values an entry's source templates are filled with, one per file it reads."""
    names = spec.get("lang_names", {})
    languages = [names.get(lang, lang) for lang in spec.get("languages", [""])]
    split = spec.get("split", "")
    if spec.get("format") == "tatoeba":
        codes = [LASER_CODES[lang] for lang in languages]
        return [{"code": code, "side": side} for code in codes for side in (code, "eng")]
    if spec.get("format") == "bucc":
        return [{"lang": lang, "split": split, "side": side} for lang in languages for side in (lang, "en", "gold")]
    return [{"lang": lang, "split": split} for lang in languages]


class DataPlan(Entries):
    """Datasets, languages, translation and corpus of one validated config."""

    @property
    def qa_datasets(self) -> list[str]:
        return self.names("datasets")

    @property
    def validation_datasets(self) -> list[str]:
        return self.names("validation_datasets")

    @property
    def parallel_datasets(self) -> list[str]:
        return self.names("parallel_datasets")

    def qa_section(self, name: str) -> str:
        """The config list (datasets or validation_datasets) that has the QA dataset `name`."""
        return "datasets" if name in self.qa_datasets else "validation_datasets"

    def negatives_to_mine(self, name: str) -> int:
        """Hard negatives the fetch job of dataset `name` mines per pair: none for a validation
        dataset (its loss reads none), else as its `negatives` setting says."""
        if name in self.validation_datasets:
            return 0
        section = "parallel_datasets" if name in self.parallel_datasets else "datasets"
        return negatives_to_mine(self.entry(section, name), self.config["training"]["hard_negatives"])

    def source_files(self, section: str, name: str) -> list[str]:
        """Local files an entry reads, so that editing them reruns its fetch job: the ones that
        exist or that a rule makes (under results/); a missing one is left to the job, which
        fails naming it (so a dry run still works)."""
        spec = self.entry(section, name)
        templates = spec["source"].values() if isinstance(spec["source"], dict) else [spec["source"]]
        key = f"{section}[{name}]"
        filled = {fill_template(t, key, **values) for t in templates for values in template_values(spec)}
        plain = spec.get("format") in PLAIN_FILE_FORMATS
        paths = {p for path in filled for p in ([path] if plain and not is_remote(path) else local_files(path))}
        return sorted(p for p in paths if os.path.exists(p) or p.startswith(f"{layout.RESULTS}/"))

    # --- languages and translation --------------------------------------------------------

    @property
    def source_language(self) -> str:
        return self.config["languages"]["source"]

    @property
    def train_languages(self) -> list[str]:
        return list(self.config["languages"]["train"])

    @property
    def target_languages(self) -> list[str]:
        """Training languages that texts are translated into."""
        return [lang for lang in self.train_languages if lang != self.source_language]

    @property
    def translated_datasets(self) -> list[str]:
        return [d["name"] for d in self.config["datasets"] if d["translate"]]

    @property
    def translated_languages(self) -> list[str]:
        """Languages that texts are translated into: none when no dataset is translated."""
        return self.target_languages if self.translated_datasets else []

    def translation_languages(self, dataset: str) -> list[str]:
        """Languages a QA dataset's texts are translated into (none for a source-language-only one)."""
        return self.target_languages if self.entry("datasets", dataset)["translate"] else []

    def shards(self, dataset: str) -> int:
        """Translation jobs per language of a dataset."""
        return self.entry("datasets", dataset)["shards"] or self.config["translation"]["shards"]

    def qa_tables_through(self, dataset: str) -> list[str]:
        """qa tables of the translated datasets up to and including `dataset`, in config order
        (a text belongs to the first dataset that has it)."""
        names = self.translated_datasets
        return [layout.QA.format(dataset=name) for name in names[: names.index(dataset) + 1]]

    def translation_shards(self, lang: str) -> list[str]:
        """Every shard of every translated dataset for one target language."""
        return [
            layout.TRANSLATION_SHARD.format(dataset=dataset, lang=lang, shard=shard)
            for dataset in self.translated_datasets
            for shard in range(self.shards(dataset))
        ]

    @property
    def quality_benchmark(self) -> str | None:
        return self.config["translation"]["quality"]["benchmark"]

    @property
    def quality_languages(self) -> list[str]:
        """Target languages that the MT-quality benchmark has."""
        if self.quality_benchmark is None:
            return []
        available = self.entry("benchmarks", self.quality_benchmark)["languages"]
        return [lang for lang in self.target_languages if lang in available]

    # --- corpus ---------------------------------------------------------------------------

    @property
    def corpus_datasets(self) -> list[str]:
        """Datasets of the parallel corpus: the QA datasets and the already-parallel ones."""
        return self.qa_datasets + self.parallel_datasets

    @property
    def exclude_leaked(self) -> bool:
        return self.config["training"]["exclude_leaked"]

    def training_corpus(self, mixture: str | None = None) -> list[str]:
        """The parallel tables a training run of `mixture` reads (None: the default mixture of every
        dataset): without leaked pairs with training.exclude_leaked."""
        template = layout.LEAKAGE_CORPUS if self.exclude_leaked else layout.CORPUS
        return [template.format(dataset=d) for d in self.mixture_datasets(mixture)]

    # --- benchmark queries translated by the translation stage (beir) ---

    @property
    def translated_benchmarks(self) -> list[str]:
        """Benchmarks whose queries are machine-translated (benchmarks[].translate_queries)."""
        return [b["name"] for b in self.config["benchmarks"] if b.get("translate_queries")]

    def query_languages(self, benchmark: str) -> list[str]:
        """Languages a benchmark's queries are translated into."""
        return list(self.entry("benchmarks", benchmark).get("translate_queries", []))

    def benchmark_language(self, benchmark: str) -> str:
        """The one language of a benchmark whose queries are translated (its corpus's)."""
        return self.entry("benchmarks", benchmark)["languages"][0]

    def query_translations(self, benchmark: str) -> list[str]:
        """The translation tables of a benchmark's queries, one per language."""
        return [
            layout.QUERY_TRANSLATION.format(benchmark=benchmark, lang=lang) for lang in self.query_languages(benchmark)
        ]
