"""The pipeline's words, each declared once: batch strategies, retrieval settings, metrics,
benchmark formats, the groupings of languages by their resources, domains, and runs (with their
one name).

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
- a grouping of languages: a `Grouping` in GROUPINGS and its groups in
  hybridir.resources.language_groups; a pretraining family: a `Family` in FAMILIES and its column
  (with a source) in hybridir/resources.csv;
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
    alpha_equivalent: where it stands on the alpha-sweep axis (a hybrid with that alpha);
    languages: the only languages its batches hold (None: every training language), which is
    what its runs see in training (hybridir.resources.seen_languages)."""

    name: str
    label: str
    colour: str
    description: str
    sampler: str | None
    takes_alpha: bool = False
    marker: str | None = None
    alpha_equivalent: float | None = None
    languages: tuple[str, ...] | None = None

    @property
    def trained(self) -> bool:
        return self.sampler is not None


UNTRAINED = Strategy(ZERO_SHOT, "untrained", "#7f7f7f", "the encoder before training (the zero-shot baseline)", None)
STRATEGIES: Registry[Strategy] = Registry(
    "strategy",
    [
        Strategy(
            "en_en", "en_en", "#d62728", "English pairs only (LAReQA's baseline)", "EnEnSampler", languages=("en",)
        ),
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
# XTREME, XTREME-R and mMARCO: directions against English, and BUCC's bitext mining
TO_EN = "to_en"
FROM_EN = "from_en"
MINING = "mining"
ENGLISH = "en"


@dataclass(frozen=True)
class Setting:
    """A retrieval setting: which pool a query searches.

    lang_side: which side's language a per-language table names a combination by (the query's,
    or the pool's for a setting whose queries are all English)."""

    name: str
    label: str
    description: str
    lang_side: str = "query"

    def language(self, query_lang: str, pool_lang: str) -> str:
        """The language that results of this setting per language name a query and pool by."""
        return pool_lang if self.lang_side == "pool" else query_lang


SETTINGS: Registry[Setting] = Registry(
    "setting",
    [
        Setting(MONO, "monolingual", "query and pool in the same language"),
        Setting(CROSS, "cross-lingual", "the pool of one other language"),
        Setting(MULTI, "multilingual", "one pool of all languages"),
        # --- XTREME, XTREME-R and mMARCO ---
        Setting(TO_EN, "X→en", "a query in X against the English pool (of its language pair)"),
        Setting(FROM_EN, "en→X", "an English query against the pool in X (of its language pair)", "pool"),
        Setting(MINING, "bitext mining", "the parallel pairs mined between X and English sentences (BUCC)"),
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
    settings: where it is defined (elsewhere it is null); digits: decimals in the report;
    scorer: what computes its per-query values, the ranks of the relevant candidates ("ranks":
    hybridir.evaluate.metrics) or BUCC's mining ("mining": hybridir.evaluate.mining)."""

    name: str
    column: str
    label: str
    function: str
    cutoff: int | None = None
    higher_is_better: bool = True
    settings: tuple[str, ...] = field(default_factory=lambda: tuple(SETTINGS))
    digits: int = 3
    scorer: str = "ranks"

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
        # --- XTREME, XTREME-R and MS MARCO ---
        Metric("mrr_10", "rr_10", "MRR@10", "reciprocal_rank", cutoff=10),
        Metric("recall_1000", "recall_1000", "Recall@1000", "recall", cutoff=1000),
        Metric("map_20", "ap_20", "mAP@20 (XTREME-R)", "average_precision_at", cutoff=20),
        Metric("accuracy", "accuracy", "accuracy", "hit", cutoff=1),
        Metric("f1", "f1", "F1", "mining_f1", settings=(MINING,), scorer="mining"),
    ],
)


def ranked_metrics() -> list[Metric]:
    """The metrics computed from the ranks of the relevant candidates (all but BUCC's F1)."""
    return [metric for metric in METRICS.values() if metric.scorer == "ranks"]


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
    per-language figure; optional: settings evaluated only when an entry's `settings` names them;
    xtreme_r: measures as XTREME-R reports them, shown beside mAP in the mAP table."""

    name: str
    description: str
    settings: tuple[str, ...]
    metrics: tuple[str, ...]
    tables: tuple[str, ...]
    compared: tuple[Measure, ...]
    recall: tuple[Measure, ...]
    per_language: tuple[Measure, ...]
    optional: tuple[str, ...] = ()
    xtreme_r: tuple[Measure, ...] = ()

    @property
    def default_settings(self) -> tuple[str, ...]:
        """The settings an entry gets without `settings`: all but the optional ones."""
        return tuple(s for s in self.settings if s not in self.optional)

    @property
    def depth(self) -> int | None:
        """How deep a ranking must go: the deepest cutoff when every metric of the format that is
        computed from ranks has one (ranks beyond it are not computed), else None (every rank)."""
        cutoffs = [METRICS[name].cutoff for name in self.metrics if METRICS[name].scorer == "ranks"]
        return max(cutoffs) if cutoffs and None not in cutoffs else None

    @property
    def ranked(self) -> bool:
        """Whether its benchmarks are ranked (rank and score jobs), not mined (BUCC)."""
        return MINING not in self.settings

    @property
    def language_table(self) -> str:
        """The report table that holds its results per language (its per-language figure reads it)."""
        return "per_language" if "per_language" in self.tables else self.tables[0]


LAREQA = BenchmarkFormat(
    name="lareqa",
    description="SQuAD JSON with sentence_breaks per language (XQuAD-R, LAReQA's MLQA-R)",
    settings=(MONO, CROSS, MULTI),
    metrics=(MAP, "recall_1", "recall_10", RANK_DISTANCE, "map_20"),
    tables=("map", "recall", "rank_distance", "per_language"),
    compared=((MONO, MAP), (CROSS, MAP), (MULTI, MAP), (MULTI, RANK_DISTANCE)),
    recall=((MONO, "recall_1"), (CROSS, "recall_1"), (MULTI, "recall_10")),
    per_language=((MONO, MAP), (CROSS, MAP), (MULTI, MAP)),
    xtreme_r=((MULTI, "map_20"),),
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
        # --- XTREME, XTREME-R and mMARCO ---
        BenchmarkFormat(
            name="tatoeba",
            description="LASER's line-aligned Tatoeba files, one language paired with English each (XTREME, XTREME-R)",
            settings=(TO_EN, FROM_EN),
            metrics=("accuracy",),
            tables=("tatoeba",),
            compared=((FROM_EN, "accuracy"), (TO_EN, "accuracy")),
            recall=(),
            per_language=((FROM_EN, "accuracy"), (TO_EN, "accuracy")),
        ),
        BenchmarkFormat(
            name="bucc",
            description="BUCC 2018 sentence files and gold pairs, one language paired with English each (XTREME)",
            settings=(MINING,),
            metrics=("f1",),
            tables=("bucc",),
            compared=((MINING, "f1"),),
            recall=(),
            per_language=((MINING, "f1"),),
        ),
        BenchmarkFormat(
            name="mewsli_x",
            description="Mewsli-X WikiNews mentions against its 1M-entity candidate set (XTREME-R)",
            settings=(MULTI,),
            metrics=("map_20", "recall_100"),
            tables=("mewsli_x",),
            compared=((MULTI, "map_20"),),
            recall=((MULTI, "recall_100"),),
            per_language=((MULTI, "map_20"), (MULTI, "recall_100")),
        ),
        BenchmarkFormat(
            name="mmarco",
            description="mMARCO dev: MS MARCO's queries and passages translated, ids shared by all languages",
            settings=(MONO, TO_EN, FROM_EN, CROSS),
            metrics=("mrr_10", "recall_1000"),
            tables=("mmarco",),
            compared=((MONO, "mrr_10"), (TO_EN, "mrr_10"), (FROM_EN, "mrr_10"), (CROSS, "mrr_10")),
            recall=((MONO, "recall_1000"), (TO_EN, "recall_1000"), (FROM_EN, "recall_1000"), (CROSS, "recall_1000")),
            per_language=((MONO, "mrr_10"), (TO_EN, "mrr_10"), (FROM_EN, "mrr_10")),
            optional=(CROSS,),
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


def shown_in(table: str) -> list[BenchmarkFormat]:
    """The formats whose benchmarks report table `table` shows."""
    return [record for record in FORMATS.values() if table in record.tables]


def measures(formats: Iterable[BenchmarkFormat], kind: str) -> list[Measure]:
    """The measures of `kind` (compared, recall, per_language) of `formats`, each once, in order."""
    return list(dict.fromkeys(m for record in formats for m in getattr(record, kind)))


# --- language groupings (hybridir.resources, hybridir.evaluate.groups) -------------------------

LANGUAGE = "language"
JOSHI_CLASS = "joshi_class"
TRAINING = "training"
PRETRAINING = "pretraining"
SEEN, UNSEEN = "seen", "unseen"
PRETRAINED, NOT_PRETRAINED = "pretrained", "not pretrained"
UNKNOWN = "unknown"
# Joshi et al. (2020) classes in report order, best resourced first, then a language without one
JOSHI_CLASSES = (5, 4, 3, 2, 1, 0, None)
# the usual "low-resource" cut of Joshi's classes; the XLM-R paper itself gives no threshold
LOW_RESOURCE_CLASSES = (0, 1, 2)


def class_name(joshi_class: int | None) -> str:
    """A Joshi class group's name: 'class 5', ..., 'class unknown'."""
    return f"class {UNKNOWN if joshi_class is None else joshi_class}"


@dataclass(frozen=True)
class Grouping:
    """A way the report groups a benchmark's languages (the language_groups tables' `grouping`).

    groups: its groups' names in report order (empty: each benchmark language alone, in the
    benchmark's order)."""

    name: str
    label: str
    groups: tuple[str, ...] = ()


GROUPINGS: Registry[Grouping] = Registry(
    "language grouping",
    [
        Grouping(LANGUAGE, "language"),
        Grouping(JOSHI_CLASS, "Joshi et al. (2020) class", tuple(class_name(c) for c in JOSHI_CLASSES)),
        Grouping(TRAINING, "seen / unseen in training", (SEEN, UNSEEN)),
        Grouping(PRETRAINING, "in / not in the encoder's pretraining", (PRETRAINED, NOT_PRETRAINED)),
    ],
)


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


@dataclass(frozen=True)
class Family:
    """An encoder pretraining family whose languages hybridir.resources lists (a column of
    resources.csv): model_prefix is how an encoder's model name (its last path component, lower
    case) starts."""

    name: str
    label: str
    model_prefix: str


FAMILIES: Registry[Family] = Registry(
    "pretraining family",
    [
        Family("xlmr", "XLM-R", "xlm-roberta-"),
        Family("mbert", "mBERT", "bert-base-multilingual-"),
        Family("labse", "LaBSE", "labse"),
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
