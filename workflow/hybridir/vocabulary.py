"""The pipeline's words, each declared once: batch strategies, retrieval settings, metrics,
benchmark formats, domains, and runs (with their one name).

Records are frozen dataclasses in registries keyed by name, in declaration order (the order of
reports and tables). The config schema's enums, the samplers' table, the plan, the evaluate
stage's metrics and every report page and figure read them; tests/test_vocabulary.py checks that
the schema's enums are these registries. Nothing here imports more than the standard library and
hybridir.errors, so the Snakefile, every stage and the report can read it. It is one file of more
than 300 lines on purpose: every word of the pipeline in one place, the file to read first.

Adding a word is one record plus its implementation:
- a strategy: a `Strategy` in STRATEGIES and a sampler class of that name in
  hybridir.train.samplers.SAMPLERS (and its name in the schema's `training.strategies` enum);
- a metric: a `Metric` in METRICS, computed by one of hybridir.evaluate.metrics.FUNCTIONS (a new
  kind of metric adds its function there) into its column of the per_query table schema;
- a benchmark format: a `BenchmarkFormat` in FORMATS, its reader in hybridir.fetch.benchmarks
  and its name in the schema's `benchmarks[].format` enum; new settings are `Setting` records;
- a domain: a `Domain` in DOMAINS (and its name in the schema's `domain` enum).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from hybridir.errors import ConfigError

R = TypeVar("R")
Measure = tuple[str, str]  # (setting, metric)


class UnknownName(ConfigError, KeyError):
    """A name that no record of a registry has; the message lists the known names."""

    def __str__(self) -> str:
        return str(self.args[0])


class Registry(dict[str, R]):
    """Records of one kind by name, in declaration order; an unknown name is an UnknownName."""

    def __init__(self, kind: str, records: Iterable[R]):
        super().__init__()
        self.kind = kind
        for record in records:
            if record.name in self:
                raise ValueError(f"two {kind} records are called {record.name!r}")
            self[record.name] = record

    def __missing__(self, name: str) -> R:
        raise UnknownName(f"unknown {self.kind} {name!r}; known: {', '.join(self)}")


# --- batch strategies -------------------------------------------------------------------------

ZERO_SHOT = "zero_shot"
X_X = "x_x"
X_Y = "x_y"
X_X_MIXED = "x_x_mixed"


@dataclass(frozen=True)
class Strategy:
    """How the batches of a training run are composed, and how the report shows its runs.

    sampler: the class of hybridir.train.samplers.SAMPLERS that draws its batches (None: the
    untrained encoder); takes_alpha: one run per `training.alpha`; marker: the report's sign of a
    significant improvement over it, for the strategies every other one is compared with;
    alpha_equivalent: where it stands on the alpha-sweep axis (a hybrid with that alpha)."""

    name: str
    label: str
    colour: str
    description: str
    sampler: str | None
    takes_alpha: bool = False
    marker: str | None = None
    alpha_equivalent: float | None = None

    @property
    def trained(self) -> bool:
        return self.sampler is not None


UNTRAINED = Strategy(ZERO_SHOT, "untrained", "#7f7f7f", "the encoder before training (the zero-shot baseline)", None)
STRATEGIES: Registry[Strategy] = Registry(
    "strategy",
    [
        Strategy("en_en", "en_en", "#d62728", "English pairs only (LAReQA's baseline)", "EnEnSampler"),
        Strategy(
            X_X,
            X_X,
            "#1f77b4",
            "every query and passage of a batch in one language, drawn per batch",
            "XXSampler",
            marker="†",
            alpha_equivalent=1.0,
        ),
        Strategy(
            X_X_MIXED,
            X_X_MIXED,
            "#aec7e8",
            "monolingual pairs of several languages in one batch (LAReQA's baseline)",
            "XXMixedSampler",
        ),
        Strategy(
            X_Y,
            X_Y,
            "#ff7f0e",
            "every pair's query and passage in two different languages",
            "XYSampler",
            marker="‡",
            alpha_equivalent=0.0,
        ),
        Strategy(
            "hybrid",
            "hybrid",
            "#2ca02c",
            "an x_x batch with probability α, else an x_y batch",
            "HybridSampler",
            takes_alpha=True,
        ),
    ],
)


def strategy(name: str) -> Strategy:
    """The record of a strategy name, the untrained encoder's (zero_shot) included."""
    return UNTRAINED if name == ZERO_SHOT else STRATEGIES[name]


def report_order() -> tuple[str, ...]:
    """Strategy names in the order of reports: the untrained encoder, then STRATEGIES."""
    return (ZERO_SHOT, *STRATEGIES)


def references() -> tuple[str, ...]:
    """The strategies every other one is compared with (those with a marker): x_x, x_y."""
    return tuple(name for name, record in STRATEGIES.items() if record.marker)


def alpha_strategies() -> tuple[str, ...]:
    """The strategies with one run per alpha: hybrid."""
    return tuple(name for name, record in STRATEGIES.items() if record.takes_alpha)


# --- retrieval settings -----------------------------------------------------------------------

MONO = "mono"
CROSS = "cross"
MULTI = "multi"


@dataclass(frozen=True)
class Setting:
    """A retrieval setting: which pool a query searches."""

    name: str
    label: str
    description: str


SETTINGS: Registry[Setting] = Registry(
    "setting",
    [
        Setting(MONO, "monolingual", "query and pool in the same language"),
        Setting(CROSS, "cross-lingual", "the pool of one other language"),
        Setting(MULTI, "multilingual", "one pool of all languages"),
    ],
)


# --- metrics ----------------------------------------------------------------------------------

MAP = "map"
RANK_DISTANCE = "rank_distance"


@dataclass(frozen=True)
class Metric:
    """A per-query metric (in the spirit of ranx's metric_switch: one record gives a metric's
    stored column, label and direction).

    column: its column in the per_query table; function: the family of
    hybridir.evaluate.metrics.FUNCTIONS that computes it, at `cutoff` (None: the whole pool);
    settings: where it is defined (elsewhere it is null); digits: decimals in the report."""

    name: str
    column: str
    label: str
    function: str
    cutoff: int | None = None
    higher_is_better: bool = True
    settings: tuple[str, ...] = field(default_factory=lambda: tuple(SETTINGS))
    digits: int = 3

    @property
    def formats(self) -> tuple[str, ...]:
        """The benchmark formats whose report shows this metric."""
        return tuple(name for name, record in FORMATS.items() if self.name in record.metrics)


METRICS: Registry[Metric] = Registry(
    "metric",
    [
        Metric(MAP, "ap", "mAP", "average_precision"),
        Metric("recall_1", "recall_1", "Recall@1", "recall", cutoff=1),
        Metric("recall_10", "recall_10", "Recall@10", "recall", cutoff=10),
        Metric("recall_100", "recall_100", "Recall@100", "recall", cutoff=100),
        Metric("ndcg_10", "ndcg_10", "nDCG@10", "ndcg", cutoff=10),
        Metric(
            RANK_DISTANCE,
            RANK_DISTANCE,
            "rank distance",
            "rank_distance",
            higher_is_better=False,
            settings=(MULTI,),
            digits=1,
        ),
    ],
)


def metric_label(name: str) -> str:
    """'mAP', 'Recall@1', ...; a name without a record is its own label."""
    return METRICS[name].label if name in METRICS else name


# --- benchmark formats ------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkFormat:
    """A benchmark format: its settings, the metrics its report shows, and the measures ((setting,
    metric) pairs) of its report.

    tables: the report tables (hybridir.layout.REPORT_TABLES) that show its benchmarks;
    compared: the paper's measures, which the summary tests strategy against strategy;
    recall: the Recall@k per setting that the report shows; per_language: the measures of the
    per-language figure."""

    name: str
    description: str
    settings: tuple[str, ...]
    metrics: tuple[str, ...]
    tables: tuple[str, ...]
    compared: tuple[Measure, ...]
    recall: tuple[Measure, ...]
    per_language: tuple[Measure, ...]


LAREQA = BenchmarkFormat(
    name="lareqa",
    description="SQuAD JSON with sentence_breaks per language (XQuAD-R, LAReQA's MLQA-R)",
    settings=tuple(SETTINGS),
    metrics=(MAP, "recall_1", "recall_10", RANK_DISTANCE),
    tables=("map", "recall", "rank_distance", "per_language"),
    compared=((MONO, MAP), (CROSS, MAP), (MULTI, MAP), (MULTI, RANK_DISTANCE)),
    recall=((MONO, "recall_1"), (CROSS, "recall_1"), (MULTI, "recall_10")),
    per_language=((MONO, MAP), (CROSS, MAP), (MULTI, MAP)),
)
FORMATS: Registry[BenchmarkFormat] = Registry(
    "benchmark format",
    [
        LAREQA,
        replace(LAREQA, name="mlqa", description="SQuAD JSON per language split into sentences by hybridir (raw MLQA)"),
        BenchmarkFormat(
            name="miracl",
            description="topics and qrels TSV and a JSONL corpus per language (MIRACL)",
            settings=(MONO,),
            metrics=("ndcg_10", "recall_100"),
            tables=("miracl",),
            compared=((MONO, "ndcg_10"), (MONO, "recall_100")),
            recall=((MONO, "recall_100"),),
            per_language=((MONO, "ndcg_10"), (MONO, "recall_100")),
        ),
        # --- beir (training-data and domain studies) ---
        BenchmarkFormat(
            name="beir",
            description="corpus.jsonl, queries.jsonl and qrels/<split>.tsv of one language (BEIR: FiQA, SciFact, "
            "TREC-COVID, NFCorpus), its queries optionally machine-translated: mono = the source-language queries "
            "(EN->EN), cross = the translated ones against the same corpus (X->EN)",
            settings=(MONO, CROSS),
            metrics=("ndcg_10", "recall_100"),
            tables=("beir",),
            compared=((MONO, "ndcg_10"), (CROSS, "ndcg_10"), (MONO, "recall_100"), (CROSS, "recall_100")),
            recall=((MONO, "recall_100"), (CROSS, "recall_100")),
            per_language=((MONO, "ndcg_10"), (CROSS, "ndcg_10")),
        ),
    ],
)
# the report tables with a row per query language, which the per-language figure of a benchmark reads
LANGUAGE_TABLES = ("per_language", "miracl", "beir")


def shown_in(table: str) -> list[BenchmarkFormat]:
    """The formats whose benchmarks report table `table` shows."""
    return [record for record in FORMATS.values() if table in record.tables]


def measures(formats: Iterable[BenchmarkFormat], kind: str) -> list[Measure]:
    """The measures of `kind` (compared, recall, per_language) of `formats`, each once, in order."""
    return list(dict.fromkeys(m for record in formats for m in getattr(record, kind)))


def language_table(record: BenchmarkFormat) -> str:
    """The report table (of LANGUAGE_TABLES) whose per-language rows show a format's benchmarks."""
    return next(table for table in LANGUAGE_TABLES if table in record.tables)


# --- domains ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """What a dataset's or benchmark's texts are about (`domain:` of a config entry)."""

    name: str
    label: str
    description: str


UNLABELLED = "unlabelled"  # the report's word for an entry without a domain
DOMAINS: Registry[Domain] = Registry(
    "domain",
    [
        Domain("wikipedia", "Wikipedia", "encyclopedia articles (XQuAD-R, MLQA-R, MIRACL, NQ, Mr. TyDi)"),
        Domain("web", "web", "web pages and search-engine queries (mMARCO)"),
        Domain("news", "news", "news articles (NewsQA)"),
        Domain("community_qa", "community QA", "questions and answers of Q&A forums (Yahoo Answers)"),
        Domain("faq", "FAQ", "FAQ pages of web sites (MFAQ)"),
        Domain("finance", "finance", "financial opinion and advice (FiQA)"),
        Domain("biomedical", "biomedical", "medical and biomedical literature (TREC-COVID, NFCorpus)"),
        Domain("scientific", "scientific", "scientific claims and abstracts (SciFact)"),
        Domain("e_commerce", "e-commerce", "product descriptions, reviews and shopping queries"),
        Domain("synthetic", "synthetic", "generated text (the offline demo's towns and their facts)"),
    ],
)


def domain_label(name: str | None) -> str:
    """A domain's label; 'unlabelled' for an entry without one."""
    return DOMAINS[name].label if name else UNLABELLED


# --- runs -------------------------------------------------------------------------------------


def alpha_text(alpha: float) -> str:
    """An alpha as run names and labels write it: 0.5, 1, 0.123457 (six significant digits)."""
    return f"{alpha:g}"


MIXTURE_NAME = r"[a-z][a-z0-9_]*"  # a training.mixtures[].name (the schema's name pattern)


def run_pattern() -> str:
    """A regular expression of every run name (Snakemake's `run` wildcard)."""
    names = "|".join(STRATEGIES)
    return rf"(?:{names})(?:-a[0-9.]+)?(?:-m{MIXTURE_NAME})?-s\d+|{ZERO_SHOT}"


def _run_regex() -> re.Pattern:
    names = "|".join(STRATEGIES)
    return re.compile(
        rf"^(?P<strategy>{names})(?:-a(?P<alpha>[0-9.]+))?(?:-m(?P<mixture>{MIXTURE_NAME}))?-s(?P<seed>\d+)$"
    )


@dataclass(frozen=True)
class Run:
    """One evaluated model of an encoder: a training run (strategy, alpha for a strategy that takes
    one, seed, and the training mixture it reads: None for the default mixture of every dataset), or
    the untrained encoder (zero_shot). Without a seed it stands for a strategy over all its seeds (a
    row of the report). Its name is its folder under results/train and results/evaluate: `name`
    writes it and `parse` reads it, nowhere else."""

    encoder: str
    strategy: str
    alpha: float | None = None
    seed: int | None = None
    mixture: str | None = None

    @property
    def name(self) -> str:
        """The run's folder name: x_x-s42, x_y-s42, hybrid-a0.5-s42, x_x-mdomain-s42 (mixture
        `domain`), hybrid-a0.5-mdomain-s42, zero_shot."""
        if self.strategy == ZERO_SHOT:
            return ZERO_SHOT
        parts = [self.strategy]
        if self.alpha is not None:
            parts.append(f"a{alpha_text(self.alpha)}")
        if self.mixture is not None:
            parts.append(f"m{self.mixture}")
        parts.append(f"s{self.seed}")
        return "-".join(parts)

    @property
    def trained(self) -> bool:
        return self.strategy != ZERO_SHOT

    @property
    def sort_key(self) -> tuple:
        """Report order: untrained, then strategies in registry order, by alpha, by mixture (the
        default first, then by name), then by seed."""
        return (
            report_order().index(self.strategy),
            self.alpha if self.alpha is not None else -1.0,
            self.mixture or "",
            self.seed if self.seed is not None else -1,
        )

    def without_seed(self) -> "Run":
        """The strategy this run is a seed of (a row of the report)."""
        return replace(self, seed=None)

    @classmethod
    def parse(cls, encoder: str, name: str) -> "Run":
        """The run of `encoder` called `name`; a ValueError names what a run name looks like."""
        if name == ZERO_SHOT:
            return cls(encoder, ZERO_SHOT)
        match = _run_regex().match(name)
        alpha = match["alpha"] if match else None
        if match is None or (alpha is not None) != STRATEGIES[match["strategy"]].takes_alpha:
            raise ValueError(
                f"run {name!r} is neither {ZERO_SHOT!r} nor like 'x_x-s42', 'hybrid-a0.5-s42' or 'x_x-mdomain-s42'"
            )
        return cls(encoder, match["strategy"], float(alpha) if alpha else None, int(match["seed"]), match["mixture"])

    def identity(self) -> dict[str, Any]:
        """The run's identity columns in evaluation tables: encoder, run, strategy, alpha, seed, mixture."""
        return {
            "encoder": self.encoder,
            "run": self.name,
            "strategy": self.strategy,
            "alpha": self.alpha,
            "seed": self.seed,
            "mixture": self.mixture,
        }

    def comparable(self, other: "Run") -> bool:
        """Whether two strategies (over their seeds) are compared: strategies of one mixture, the
        mixtures of one strategy (and alpha), and the untrained encoder with every strategy."""
        same_strategy = (self.strategy, self.alpha) == (other.strategy, other.alpha)
        untrained = ZERO_SHOT in (self.strategy, other.strategy)
        return untrained or self.mixture == other.mixture or same_strategy


def by_strategy(runs: Iterable[Run]) -> dict[Run, list[Run]]:
    """Runs grouped by their strategy (a Run without seed), strategies and seeds in report order."""
    groups: dict[Run, list[Run]] = {}
    for run in sorted(runs, key=lambda r: r.sort_key):
        groups.setdefault(run.without_seed(), []).append(run)
    return groups
