"""What the report shows: its tables, its figures (one per encoder and benchmark where a figure
has one), the evaluation settings its pages name, the facts of the benchmarks (domain, translated
queries) and training mixtures (datasets, domains) its tables carry, and the config facts of
results/summary.md."""

from typing import Any

from hybridir import layout, resources
from hybridir.config_study import study_comparisons
from hybridir.plan.entries import Entries, canonical
from hybridir.plan.runs import RunPlan


class ReportPlan(Entries):
    """The report of one validated config, whose runs `runs` plans."""

    def __init__(self, runs: RunPlan):
        super().__init__(runs.config)
        self.runs = runs

    @property
    def evaluation_settings(self) -> dict[str, Any]:
        """The evaluation settings that the report's pages and captions name."""
        settings = {key: self.config["evaluation"][key] for key in ("candidate_context", "resamples")}
        return settings | {"max_length": self.runs.encoding_settings["max_length"], "seeds": self.runs.seeds}

    def figures(self) -> list[str]:
        """Every figure (PNG; a PDF beside each) of the report stage."""
        encoders, runs = self.runs.encoders, self.runs
        retrieval = [f"{e}-{b}" for e in encoders for b in runs.retrieval_benchmarks]
        every = [f"{e}-{b}" for e in encoders for b in runs.benchmarks]
        kinds = [("map_heatmap", retrieval), ("map_difference", retrieval), ("rank_distance", retrieval)]
        kinds.append(("per_language", every))
        kinds.append(("resources", every))
        if runs.retrieval_benchmarks:
            kinds.append(("alpha_sweep", encoders))
        kinds.append(("training_loss", ["training_loss"]))
        return [layout.figure(kind, name) for kind, names in kinds for name in names]

    def language_resources(self) -> dict[str, dict[str, Any]]:
        """The resources (hybridir.resources) of every benchmark language, in config order, and the
        pretraining family of every encoder: what the report's language pages and figures show."""
        languages = dict.fromkeys(lang for b in self.runs.benchmarks for lang in self.runs.benchmark_languages(b))
        return {
            "languages": {lang: resources.language(lang).record() for lang in languages},
            "families": {e: resources.encoder_family(self.runs.encoder_model(e)) for e in self.runs.encoders},
        }

    def tables(self) -> list[str]:
        """The report tables: layout.REPORT_TABLES, then the study's answer where the config has a study."""
        return [*layout.REPORT_TABLES, *([layout.STUDY_TABLE] if self.config.get("study") else [])]

    def study_question(self) -> dict[str, str] | None:
        """The study's name and question (None without a study)."""
        study = self.config.get("study")
        return {"name": study["name"], "question": study["question"]} if study else None

    def study(self) -> dict[str, Any]:
        """What the study's answer page reads: its name and question, its comparisons (defaults
        filled in) and the config facts the page states (encoders, strategies, seeds, benchmarks,
        mixtures)."""
        training = self.config["training"]
        return canonical(
            {
                "study": self.study_question(),
                "comparisons": [c.record() for c in study_comparisons(self.config)],
                "config": {
                    "training": {k: training[k] for k in ("encoders", "strategies", "mixtures")}
                    | {"seeds": self.runs.seeds},
                    "benchmarks": [{k: b[k] for k in ("name", "format")} for b in self.config["benchmarks"]],
                },
            }
        )

    def outputs(self) -> list[str]:
        """Every report table (Parquet, Markdown, HTML), figure (PNG, PDF) and the summary."""
        tables = [layout.report_table(name, ext) for name in self.tables() for ext in layout.REPORT_TABLE_FORMATS]
        figures = [path for png in self.figures() for path in (png, png.removesuffix("png") + "pdf")]
        return tables + figures + [layout.SUMMARY, layout.SUMMARY_HTML]

    def benchmark_facts(self) -> list[dict[str, Any]]:
        """Per benchmark, in config order: name, format, domain and the languages its queries are
        machine-translated into (translate_queries)."""
        return [
            {
                "name": bench["name"],
                "format": bench["format"],
                "domain": bench.get("domain"),
                "translated_queries": list(bench.get("translate_queries", [])),
            }
            for bench in self.config["benchmarks"]
        ]

    def mixture_facts(self) -> list[dict[str, Any]]:
        """Per training mixture, in config order (the default one: name None): its datasets and the
        domains they hold."""
        facts = []
        for mixture in self.mixtures:
            datasets = self.mixture_datasets(mixture)
            domains = [self.domain(self._section(name), name) for name in datasets]
            facts.append({"name": mixture, "datasets": datasets, "domains": sorted({d for d in domains if d})})
        return facts

    def _section(self, dataset: str) -> str:
        return "datasets" if dataset in self.names("datasets") else "parallel_datasets"

    def summary(self) -> dict[str, Any]:
        """The config facts that results/summary.md states (the seeds of the training runs resolved)."""
        keep = ("encoders", "strategies", "alpha", "steps", "batch_size")
        training = self.config["training"]
        return canonical(
            {
                "seed": self.config["seed"],
                "languages": self.config["languages"],
                "training": {k: training[k] for k in keep} | {"seeds": self.runs.seeds},
                "benchmarks": [
                    {k: b[k] for k in ("name", "format", "languages")}
                    | {"domain": b.get("domain"), "translate_queries": list(b.get("translate_queries", []))}
                    for b in self.config["benchmarks"]
                ],
                "mixtures": self.mixture_facts(),
                "study": self.study_question(),
                "translation": {
                    "model": self.config["translation"]["model"],
                    "quality": {"benchmark": self.config["translation"]["quality"]["benchmark"]},
                },
                "validation_datasets": self.names("validation_datasets"),
            }
        )
