"""What runs: the encoders, their training runs (one per strategy, alpha for a strategy that takes
one, training mixture and seed) with each run's training options, the benchmarks with their
settings and the tables their evaluations read, every evaluation (an evaluated run, the untrained
encoder included, on a benchmark), and which languages each run saw in training
(hybridir.resources)."""

import dataclasses
from typing import Any

from hybridir import layout, resources
from hybridir.config import training_seeds
from hybridir.evaluate.options import encoding_settings
from hybridir.plan.entries import Entries
from hybridir.train.options import TrainingOptions
from hybridir.vocabulary import FORMATS, ZERO_SHOT, BenchmarkFormat, Run, shown_in, strategy


class RunPlan(Entries):
    """Encoders, runs, benchmarks and evaluations of one validated config."""

    @property
    def encoders(self) -> list[str]:
        return [entry["name"] for entry in self.config["training"]["encoders"]]

    def encoder_model(self, encoder: str) -> str:
        """The Hub id or local directory of an encoder."""
        return self.entry("encoders", encoder)["model"]

    @property
    def seeds(self) -> list[int]:
        return training_seeds(self.config)

    def training_runs(self, encoder: str) -> list[Run]:
        """One run per strategy, alpha (for strategies that take one), mixture and seed."""
        training = self.config["training"]
        return [
            Run(encoder, name, alpha, seed, mixture)
            for name in training["strategies"]
            for alpha in (training["alpha"] if strategy(name).takes_alpha else [None])
            for mixture in self.mixtures
            for seed in self.seeds
        ]

    def evaluation_runs(self, encoder: str) -> list[Run]:
        """The untrained encoder (zero_shot, when evaluation.zero_shot) and every training run."""
        untrained = [Run(encoder, ZERO_SHOT)] if self.config["evaluation"]["zero_shot"] else []
        return untrained + self.training_runs(encoder)

    def training_options(self, run: Run) -> TrainingOptions:
        """The options of one training run: config `training` with its strategy, alpha (0 without) and seed."""
        alpha = run.alpha if run.alpha is not None else 0.0
        return TrainingOptions.from_config(self.config["training"], strategy=run.strategy, alpha=alpha, seed=run.seed)

    def training_settings(self, run: Run) -> dict[str, Any]:
        """training_options as a plain mapping (a job param)."""
        return dataclasses.asdict(self.training_options(run))

    # --- benchmarks and evaluations -------------------------------------------------------

    def benchmark_format(self, benchmark: str) -> BenchmarkFormat:
        return FORMATS[self.entry("benchmarks", benchmark)["format"]]

    def benchmark_settings(self, benchmark: str) -> tuple[str, ...]:
        """Retrieval settings of a benchmark: its entry's `settings`, else its format's defaults
        (MIRACL: mono; LAReQA-style: mono, cross, multi; mMARCO: mono, to_en, from_en)."""
        return tuple(
            self.entry("benchmarks", benchmark)["settings"] or self.benchmark_format(benchmark).default_settings
        )

    def benchmark_depth(self, benchmark: str) -> int | None:
        """How deep its rankings go (None: every rank; hybridir.vocabulary.BenchmarkFormat.depth)."""
        return self.benchmark_format(benchmark).depth

    @property
    def mined_benchmarks(self) -> list[str]:
        """Benchmarks scored by mining (BUCC) rather than by ranking."""
        return [name for name in self.benchmarks if not self.benchmark_format(name).ranked]

    @property
    def limited_benchmarks(self) -> list[str]:
        """Benchmarks whose entry keeps a sample of its candidates (`limit`)."""
        return [name for name in self.benchmarks if self.entry("benchmarks", name)["limit"] is not None]

    def shown_in(self, table: str) -> list[str]:
        """Benchmarks that report table `table` shows (by their formats), in config order."""
        formats = shown_in(table)
        return [name for name in self.benchmarks if self.benchmark_format(name) in formats]

    @property
    def retrieval_benchmarks(self) -> list[str]:
        """Benchmarks with the mono, cross and multi settings (LAReQA-style): Tables 1-3 and 5."""
        return self.shown_in("map")

    @property
    def miracl_benchmarks(self) -> list[str]:
        """Benchmarks of Table 4 (MIRACL-format: per language and mean, monolingual)."""
        return self.shown_in("miracl")

    def benchmark_tables(self, benchmark: str) -> dict[str, str]:
        """The candidates, queries and qrels tables that a benchmark's evaluations read: its fetched
        tables, its queries with their translations where they are translated."""
        tables = {table: layout.benchmark_table(table).format(benchmark=benchmark) for table in layout.BENCHMARK_TABLES}
        if self.entry("benchmarks", benchmark).get("translate_queries"):
            tables["queries"] = layout.TRANSLATED_QUERIES.format(benchmark=benchmark)
        return tables

    @property
    def encoding_settings(self) -> dict[str, Any]:
        """The settings of config `evaluation` that change what encode jobs write (max_length resolved)."""
        return encoding_settings(self.config["evaluation"], self.config["training"])

    def evaluations(self, encoder: str | None = None, benchmarks: list[str] | None = None) -> list[tuple[Run, str]]:
        """(run, benchmark) of every evaluation, for one encoder or all."""
        return [
            (run, benchmark)
            for name in ([encoder] if encoder else self.encoders)
            for run in self.evaluation_runs(name)
            for benchmark in (self.benchmarks if benchmarks is None else benchmarks)
        ]

    # --- languages by resources (hybridir.resources) ----------------------------------------

    def benchmark_languages(self, benchmark: str) -> list[str]:
        return list(self.entry("benchmarks", benchmark)["languages"])

    def run_datasets(self, run: Run) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The QA and the parallel dataset entries whose corpus a run trains on: its mixture's."""
        chosen = set(self.mixture_datasets(run.mixture))
        return (
            [d for d in self.config["datasets"] if d["name"] in chosen],
            [d for d in self.config.get("parallel_datasets", []) if d["name"] in chosen],
        )

    def seen_languages(self, run: Run) -> list[str]:
        """The languages a run saw in training: the training languages its datasets have, narrowed
        by its strategy (none untrained; en_en: en)."""
        languages = self.config["languages"]
        trained = resources.trained_languages(languages["source"], languages["train"], *self.run_datasets(run))
        return resources.seen_languages(run.strategy, trained)

    def language_groups(self, encoder: str, benchmark: str) -> dict[str, Any]:
        """What the language_groups job groups by: the benchmark's languages with their resources,
        each evaluated run's seen languages, the encoder's pretraining family (None: unknown) and the measures of the
        benchmark format's per-language figure."""
        return {
            "languages": [resources.language(lang).record() for lang in self.benchmark_languages(benchmark)],
            "seen": {run.name: self.seen_languages(run) for run in self.evaluation_runs(encoder)},
            "family": resources.encoder_family(self.encoder_model(encoder)),
            "measures": [list(measure) for measure in self.benchmark_format(benchmark).per_language],
        }
