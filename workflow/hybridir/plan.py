"""The experiment plan, built from the validated config: which datasets, languages, translation
shards, encoders, runs and evaluations exist, each run's one name and its training options, and
every file the pipeline makes (paths from hybridir.layout).

A run is one model evaluated per encoder: a training run (strategy, alpha for hybrid, seed) or
the untrained encoder (`zero_shot`). Its name is its folder under results/train and
results/evaluate; `Run.name` writes it and `Run.parse` reads it, nowhere else.
The workflow's rules and the report ask the plan; it imports nothing heavy (the Snakefile runs
in Snakemake's own environment).
"""

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hybridir import layout
from hybridir.locations import fill_template, local_files
from hybridir.train.options import TrainingOptions

ZERO_SHOT = "zero_shot"
STRATEGIES = ("en_en", "x_x", "x_x_mixed", "x_y", "hybrid")
ALPHA_STRATEGIES = ("hybrid",)
STRATEGY_ORDER = (ZERO_SHOT, *STRATEGIES)
_STRATEGY = "|".join(STRATEGIES)
RUN_PATTERN = rf"(?:{_STRATEGY})(?:-a[0-9.]+)?-s\d+|{ZERO_SHOT}"
_RUN = re.compile(rf"^(?P<strategy>{_STRATEGY})(?:-a(?P<alpha>[0-9.]+))?-s(?P<seed>\d+)$")


@dataclass(frozen=True)
class Run:
    """One evaluated model of an encoder: x_x-s42, hybrid-a0.5-s42, or zero_shot (untrained)."""

    encoder: str
    strategy: str
    alpha: float | None = None
    seed: int | None = None

    @property
    def name(self) -> str:
        """The run's folder name: x_x-s42, x_y-s42, hybrid-a0.5-s42, zero_shot."""
        if self.strategy == ZERO_SHOT:
            return ZERO_SHOT
        if self.alpha is None:
            return f"{self.strategy}-s{self.seed}"
        return f"{self.strategy}-a{self.alpha:g}-s{self.seed}"

    @property
    def trained(self) -> bool:
        return self.strategy != ZERO_SHOT

    @property
    def sort_key(self) -> tuple:
        """Report order: untrained, then strategies in STRATEGY_ORDER, by alpha, then by seed."""
        return (
            STRATEGY_ORDER.index(self.strategy),
            self.alpha if self.alpha is not None else -1.0,
            self.seed if self.seed is not None else -1,
        )

    @classmethod
    def parse(cls, encoder: str, name: str) -> "Run":
        """The run of `encoder` called `name`; a ValueError names what a run name looks like."""
        if name == ZERO_SHOT:
            return cls(encoder, ZERO_SHOT)
        match = _RUN.match(name)
        if match is None:
            raise ValueError(f"run {name!r} is neither {ZERO_SHOT!r} nor like 'x_x-s42' or 'hybrid-a0.5-s42'")
        alpha = match["alpha"]
        return cls(encoder, match["strategy"], float(alpha) if alpha else None, int(match["seed"]))

    def identity(self) -> dict[str, Any]:
        """The run's identity columns in evaluation tables: encoder, run, strategy, alpha, seed."""
        return {
            "encoder": self.encoder,
            "run": self.name,
            "strategy": self.strategy,
            "alpha": self.alpha,
            "seed": self.seed,
        }


SETTINGS = ("mono", "cross", "multi")
MIRACL_SETTINGS = ("mono",)
REPORT_TABLES = (
    "map",
    "recall",
    "rank_distance",
    "miracl",
    "per_language",
    "mt_quality",
    "translation_flags",
    "corpus_ledger",
    "usage",
    "truncation",
    "benchmark_ledger",
    "warnings",
)


def canonical(section: Any) -> Any:
    """A config section with keys sorted, so that params do not change with key order."""
    return json.loads(json.dumps(section, sort_keys=True))


class Plan:
    """What one validated config (hybridir.config.validate_config) makes the pipeline do."""

    def __init__(self, config: Mapping[str, Any]):
        self.config = config
        self.training = config["training"]
        self.evaluation = config["evaluation"]

    # --- config entries -------------------------------------------------------------------

    def names(self, section: str) -> list[str]:
        """Names of the entries of a config list (datasets, benchmarks, ...), in config order."""
        return [entry["name"] for entry in self.config.get(section, [])]

    def entry(self, section: str, name: str) -> dict[str, Any]:
        """The entry called `name` of a config list, in canonical key order."""
        entries = self.training["encoders"] if section == "encoders" else self.config[section]
        return canonical(next(e for e in entries if e["name"] == name))

    @property
    def qa_datasets(self) -> list[str]:
        return self.names("datasets")

    @property
    def validation_datasets(self) -> list[str]:
        return self.names("validation_datasets")

    @property
    def parallel_datasets(self) -> list[str]:
        return self.names("parallel_datasets")

    @property
    def benchmarks(self) -> list[str]:
        return self.names("benchmarks")

    def qa_section(self, name: str) -> str:
        """The config list (datasets or validation_datasets) that has the QA dataset `name`."""
        return "datasets" if name in self.qa_datasets else "validation_datasets"

    def source_files(self, section: str, name: str) -> list[str]:
        """Local files an entry reads, so that editing them reruns its fetch job: the ones that
        exist or that a rule makes (under results/); a missing one is left to the job, which
        fails naming it (so a dry run still works)."""
        spec = self.entry(section, name)
        templates = spec["source"].values() if isinstance(spec["source"], dict) else [spec["source"]]
        names_in_source = [spec.get("lang_names", {}).get(lang, lang) for lang in spec.get("languages", [""])]
        key = f"{section}[{name}]"
        paths = {
            path
            for template in templates
            for lang in names_in_source
            for path in local_files(fill_template(template, key, lang=lang, split=spec.get("split", "")))
        }
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

    def translation_languages(self, dataset: str) -> list[str]:
        """Languages a QA dataset's texts are translated into (none for a source-language-only one)."""
        return self.target_languages if self.entry("datasets", dataset)["translate"] else []

    # --- training -------------------------------------------------------------------------

    @property
    def encoders(self) -> list[str]:
        return [e["name"] for e in self.training["encoders"]]

    def encoder_model(self, encoder: str) -> str:
        """The Hub id or local directory of an encoder."""
        return self.entry("encoders", encoder)["model"]

    @property
    def seeds(self) -> list[int]:
        return list(self.training["seeds"] or [self.config["seed"]])

    def training_runs(self, encoder: str) -> list[Run]:
        """One run per strategy, alpha (for strategies that have one) and seed."""
        return [
            Run(encoder, strategy, alpha, seed)
            for strategy in self.training["strategies"]
            for alpha in (self.training["alpha"] if strategy in ALPHA_STRATEGIES else [None])
            for seed in self.seeds
        ]

    def evaluation_runs(self, encoder: str) -> list[Run]:
        """The untrained encoder (zero_shot, when evaluation.zero_shot) and every training run."""
        untrained = [Run(encoder, ZERO_SHOT)] if self.evaluation["zero_shot"] else []
        return untrained + self.training_runs(encoder)

    def training_options(self, run: Run) -> TrainingOptions:
        """The settings of one training run: config `training` plus its strategy, alpha and seed."""
        alpha = run.alpha if run.alpha is not None else 0.0
        return TrainingOptions.from_config(self.training, strategy=run.strategy, alpha=alpha, seed=run.seed)

    def training_settings(self, run: Run) -> dict[str, Any]:
        """training_options as a plain mapping (a job param, written to the run's options.json)."""
        return dataclasses.asdict(self.training_options(run))

    # --- evaluation -----------------------------------------------------------------------

    @property
    def evaluation_settings(self) -> dict[str, Any]:
        """The evaluation settings that the report's pages and captions name."""
        keys = ("candidate_context", "max_length", "resamples")
        return {key: self.evaluation[key] for key in keys} | {"seeds": self.seeds}

    def benchmark_format(self, benchmark: str) -> str:
        return self.entry("benchmarks", benchmark)["format"]

    def benchmark_settings(self, benchmark: str) -> tuple[str, ...]:
        """Retrieval settings of a benchmark: MIRACL is monolingual, LAReQA-style ones have all three."""
        return MIRACL_SETTINGS if self.benchmark_format(benchmark) == "miracl" else SETTINGS

    @property
    def retrieval_benchmarks(self) -> list[str]:
        """Benchmarks with the mono, cross and multi settings (LAReQA-style)."""
        return [name for name in self.benchmarks if "multi" in self.benchmark_settings(name)]

    @property
    def miracl_benchmarks(self) -> list[str]:
        return [name for name in self.benchmarks if self.benchmark_format(name) == "miracl"]

    def evaluations(self, encoder: str | None = None, benchmarks: list[str] | None = None) -> list[tuple[Run, str]]:
        """(run, benchmark) of every evaluation, for one encoder or all."""
        return [
            (run, benchmark)
            for name in ([encoder] if encoder else self.encoders)
            for run in self.evaluation_runs(name)
            for benchmark in (self.benchmarks if benchmarks is None else benchmarks)
        ]

    # --- every output ---------------------------------------------------------------------

    def fetch_outputs(self) -> list[str]:
        qa = [layout.QA.format(dataset=d) for d in self.qa_datasets + self.validation_datasets]
        parallel = [layout.PARALLEL_SOURCE.format(dataset=d) for d in self.parallel_datasets]
        benchmarks = [
            template.format(benchmark=b)
            for b in self.benchmarks
            for template in [*map(layout.benchmark_table, layout.BENCHMARK_TABLES), layout.BENCHMARK_LEDGER]
        ]
        return qa + parallel + benchmarks

    @property
    def translated_languages(self) -> list[str]:
        """Languages that texts are translated into: none when no dataset is translated."""
        return self.target_languages if self.translated_datasets else []

    def translate_outputs(self) -> list[str]:
        tables = [
            template.format(lang=lang)
            for template in (layout.TRANSLATIONS, layout.TRANSLATION_LEDGER)
            for lang in self.translated_languages
        ]
        return tables + ([layout.MT_QUALITY] if self.quality_languages else [])

    @property
    def corpus_datasets(self) -> list[str]:
        """Datasets of the parallel corpus: the QA datasets and the already-parallel ones."""
        return self.qa_datasets + self.parallel_datasets

    def corpus_outputs(self) -> list[str]:
        return [
            template.format(dataset=d)
            for template in (layout.CORPUS, layout.CORPUS_LEDGER)
            for d in self.corpus_datasets
        ]

    @property
    def exclude_leaked(self) -> bool:
        return self.training["exclude_leaked"]

    def leakage_outputs(self) -> list[str]:
        """The audit's hits per corpus dataset and its report table; with training.exclude_leaked,
        the filtered corpus and the filter's ledger too."""
        templates = [layout.LEAKAGE_HITS]
        if self.exclude_leaked:
            templates += [layout.LEAKAGE_CORPUS, layout.LEAKAGE_LEDGER]
        tables = [layout.report_table("leakage", ext) for ext in layout.REPORT_TABLE_FORMATS]
        return [t.format(dataset=d) for t in templates for d in self.corpus_datasets] + tables

    def training_corpus(self) -> list[str]:
        """The parallel tables a training run reads: without leaked pairs with training.exclude_leaked."""
        template = layout.LEAKAGE_CORPUS if self.exclude_leaked else layout.CORPUS
        return [template.format(dataset=d) for d in self.corpus_datasets]

    def train_outputs(self) -> list[str]:
        return [
            template.format(encoder=run.encoder, run=run.name)
            for encoder in self.encoders
            for run in self.training_runs(encoder)
            for template in (layout.MODEL, layout.TRAINING_LOG)
        ]

    def evaluated(self, template: str, encoder: str | None = None, benchmarks: list[str] | None = None) -> list[str]:
        """One file of `template` per (encoder, evaluated run, benchmark)."""
        return [
            template.format(encoder=run.encoder, run=run.name, benchmark=benchmark)
            for run, benchmark in self.evaluations(encoder, benchmarks)
        ]

    def evaluate_outputs(self) -> list[str]:
        return [layout.METRICS, layout.ALL_SIGNIFICANCE, layout.ALL_STRATEGY_METRICS]

    def per_benchmark(self, template: str) -> list[str]:
        """One `template` file per (encoder, benchmark): significance, strategy_metrics."""
        return [template.format(encoder=e, benchmark=b) for e in self.encoders for b in self.benchmarks]

    def report_figures(self) -> list[str]:
        """Every figure (PNG; a PDF beside each) of the report stage."""
        retrieval = [f"{e}-{b}" for e in self.encoders for b in self.retrieval_benchmarks]
        every = [f"{e}-{b}" for e in self.encoders for b in self.benchmarks]
        kinds = [("map_heatmap", retrieval), ("map_difference", retrieval), ("rank_distance", retrieval)]
        kinds.append(("per_language", every))
        if self.retrieval_benchmarks:
            kinds.append(("alpha_sweep", self.encoders))
        kinds.append(("training_loss", ["training_loss"]))
        return [layout.figure(kind, name) for kind, names in kinds for name in names]

    def usage_files(self) -> list[str]:
        """The time and memory files of every heavy job: translation shards, training, encode, rank."""
        translate = [
            layout.usage(layout.TRANSLATE_JOB.format(dataset=dataset, lang=lang, shard=shard))
            for dataset in self.translated_datasets
            for lang in self.translation_languages(dataset)
            for shard in range(self.shards(dataset))
        ]
        train = [
            layout.usage(layout.TRAIN_JOB.format(encoder=encoder, run=run.name))
            for encoder in self.encoders
            for run in self.training_runs(encoder)
        ]
        evaluate = [
            layout.usage(job.format(encoder=run.encoder, run=run.name, benchmark=benchmark))
            for run, benchmark in self.evaluations()
            for job in (layout.ENCODE_JOB, layout.RANK_JOB)
        ]
        return translate + train + evaluate

    def report_outputs(self) -> list[str]:
        tables = [layout.report_table(name, ext) for name in REPORT_TABLES for ext in layout.REPORT_TABLE_FORMATS]
        figures = [path for png in self.report_figures() for path in (png, png.removesuffix("png") + "pdf")]
        return tables + figures + [layout.SUMMARY, layout.SUMMARY_HTML]

    def logged_outputs(self) -> list[str]:
        """What the warnings table waits for: every output but the summary and the table itself."""
        warnings = [layout.report_table("warnings", ext) for ext in layout.REPORT_TABLE_FORMATS]
        last = {layout.SUMMARY, layout.SUMMARY_HTML, *warnings}
        return [path for path in self.final_outputs() if path not in last]

    def final_outputs(self) -> list[str]:
        """Everything the pipeline makes for this config."""
        return (
            self.fetch_outputs()
            + self.translate_outputs()
            + self.corpus_outputs()
            + self.leakage_outputs()
            + self.train_outputs()
            + self.evaluate_outputs()
            + self.report_outputs()
        )

    def summary(self) -> dict[str, Any]:
        """The config facts that results/summary.md states."""
        keep = ("encoders", "strategies", "alpha", "seeds", "steps", "batch_size")
        return canonical(
            {
                "seed": self.config["seed"],
                "languages": self.config["languages"],
                "training": {k: self.training[k] for k in keep},
                "benchmarks": [{k: b[k] for k in ("name", "format", "languages")} for b in self.config["benchmarks"]],
                "translation": {
                    "model": self.config["translation"]["model"],
                    "quality": {"benchmark": self.quality_benchmark},
                },
                "validation_datasets": self.validation_datasets,
            }
        )
