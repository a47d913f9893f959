import json
import os
import sys
from pathlib import Path

# The library lives in workflow/hybridir; scripts find it through workflow/scripts/hybridir.
sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))

from hybridir.config import check_config
from hybridir.fingerprint import code_fingerprint
from hybridir.sources import local_files

validate(config, "../schemas/config.schema.yaml")
check_config(config)

RESULTS = "results"


wildcard_constraints:
    dataset=r"[a-z][a-z0-9_]*",
    benchmark=r"[a-z][a-z0-9_]*",
    lang=r"[a-z]{2}",
    shard=r"\d+",
    encoder=r"[a-z][a-z0-9_]*",
    run=r"(x_x|x_y|hybrid-a[0-9.]+)-s\d+|zero_shot",


def canonical(section):
    """A config section with keys sorted, so that params do not change with key order."""
    return json.loads(json.dumps(section, sort_keys=True))


def entry_of(entries, name):
    """The entry called `name` of a list of named config entries, in canonical key order."""
    return canonical(next(e for e in entries if e["name"] == name))


def entry(section, name):
    """The config entry of `section` called `name`, in canonical key order."""
    return entry_of(config[section], name)


def qa_dataset_names():
    return [d["name"] for d in config["datasets"]]


def validation_dataset_names():
    return [d["name"] for d in config["validation_datasets"]]


def qa_section(name):
    """The config list (datasets or validation_datasets) that has the QA dataset `name`."""
    return "datasets" if name in qa_dataset_names() else "validation_datasets"


def parallel_dataset_names():
    return [d["name"] for d in config["parallel_datasets"]]


def benchmark_names():
    return [b["name"] for b in config["benchmarks"]]


def source_inputs(section, name):
    """Local files an entry reads, so that editing them reruns its fetch job.

    A local file is an input when it exists or a rule of this workflow makes it; one that is
    neither is left to the job, which then fails naming the file (so `snakemake -n` still works).
    """
    spec = entry(section, name)
    sources = (
        spec["source"] if isinstance(spec["source"], dict) else {"": spec["source"]}
    )
    languages = spec.get("languages", [None])
    paths = set()
    for template in sources.values():
        for lang in languages:
            name_in_source = spec.get("lang_names", {}).get(lang, lang) if lang else ""
            path = template.replace("{lang}", name_in_source).replace(
                "{split}", spec.get("split", "")
            )
            paths.update(local_files(path))
    return sorted(p for p in paths if os.path.exists(p) or p.startswith(f"{RESULTS}/"))


def fetch_outputs():
    return (
        expand(
            f"{RESULTS}/fetch/qa/{{dataset}}.parquet",
            dataset=qa_dataset_names() + validation_dataset_names(),
        )
        + expand(
            f"{RESULTS}/fetch/parallel/{{dataset}}.parquet",
            dataset=parallel_dataset_names(),
        )
        + expand(
            f"{RESULTS}/fetch/benchmarks/{{benchmark}}/{{table}}.parquet",
            benchmark=benchmark_names(),
            table=["candidates", "queries", "qrels"],
        )
    )


def local_model_inputs(model):
    """A model given as a local directory (existing, or made by a rule) is an input."""
    is_local = os.path.isdir(model) or model.startswith(f"{RESULTS}/")
    return [model] if is_local else []


def model_path(model):
    """A param that is the model's input path when it is local, else its Hub id."""
    return lambda wildcards, input: input[0] if len(input) else model


def translated_dataset_names():
    return [d["name"] for d in config["datasets"] if d["translate"]]


def target_languages():
    """Training languages that texts are translated into."""
    source = config["languages"]["source"]
    return [lang for lang in config["languages"]["train"] if lang != source]


def qa_tables_through(dataset):
    """qa tables of the translated datasets up to and including `dataset`, in config order."""
    names = translated_dataset_names()
    earlier = names[: names.index(dataset) + 1]
    return expand(f"{RESULTS}/fetch/qa/{{dataset}}.parquet", dataset=earlier)


def shard_count(dataset):
    return entry("datasets", dataset)["shards"] or config["translation"]["shards"]


def translation_shards(wildcards):
    """Every shard of every translated dataset for one target language."""
    return [
        f"{RESULTS}/translate/shards/{dataset}/{wildcards.lang}/{shard}.parquet"
        for dataset in translated_dataset_names()
        for shard in range(shard_count(dataset))
    ]


def quality_languages():
    """Target languages that the MT-quality benchmark has."""
    name = config["translation"]["quality"]["benchmark"]
    if name is None:
        return []
    available = entry("benchmarks", name)["languages"]
    return [lang for lang in target_languages() if lang in available]


def translate_outputs():
    outputs = expand(
        f"{RESULTS}/translate/{{table}}/{{lang}}.parquet",
        table=["translations", "ledger"],
        lang=target_languages(),
    )
    if quality_languages():
        outputs.append(f"{RESULTS}/translate/mt_quality.parquet")
    return outputs


def corpus_inputs(wildcards):
    """A parallel source's fetched table, or a QA dataset's table and its translations."""
    if wildcards.dataset in parallel_dataset_names():
        return {"parallel": f"{RESULTS}/fetch/parallel/{wildcards.dataset}.parquet"}
    languages = (
        target_languages() if entry("datasets", wildcards.dataset)["translate"] else []
    )
    return {
        "qa": f"{RESULTS}/fetch/qa/{wildcards.dataset}.parquet",
        "translations": expand(
            f"{RESULTS}/translate/translations/{{lang}}.parquet", lang=languages
        ),
    }


def corpus_outputs():
    return expand(
        f"{RESULTS}/corpus/{{table}}/{{dataset}}.parquet",
        table=["parallel", "ledger"],
        dataset=qa_dataset_names() + parallel_dataset_names(),
    )


TRAINING = config["training"]


def run_name(strategy, alpha, seed):
    """A training run's folder name: x_x-s42, x_y-s42, hybrid-a0.5-s42."""
    return f"{strategy}-s{seed}" if alpha is None else f"{strategy}-a{alpha:g}-s{seed}"


def training_runs():
    """One run per strategy, alpha (hybrid only) and seed."""
    seeds = TRAINING["seeds"] or [config["seed"]]
    return [
        run_name(strategy, alpha, seed)
        for strategy in TRAINING["strategies"]
        for alpha in (TRAINING["alpha"] if strategy == "hybrid" else [None])
        for seed in seeds
    ]


def training_options(run):
    """TrainingOptions fields of a run: config `training` plus the run's strategy, alpha, seed."""
    strategy, _, rest = run.partition("-")
    alpha = float(rest.split("-")[0][1:]) if strategy == "hybrid" else 0.0
    seed = int(run.rsplit("-s", 1)[1])
    keep = {
        k: v
        for k, v in TRAINING.items()
        if k not in ("encoders", "strategies", "alpha", "seeds", "processes", "device")
    }
    return canonical(keep | {"strategy": strategy, "alpha": alpha, "seed": seed})


def encoder_names():
    return [e["name"] for e in TRAINING["encoders"]]


def encoder_model(name):
    return entry_of(TRAINING["encoders"], name)["model"]


def encoder_path(wildcards, input):
    """A param: the rule's local model input when it has one, else the encoder's Hub id."""
    return input.model[0] if input.model else encoder_model(wildcards.encoder)


def corpus_tables():
    return expand(
        f"{RESULTS}/corpus/parallel/{{dataset}}.parquet",
        dataset=qa_dataset_names() + parallel_dataset_names(),
    )


def train_outputs():
    return [
        f"{RESULTS}/train/{encoder['name']}/{run}/{output}"
        for encoder in TRAINING["encoders"]
        for run in training_runs()
        for output in ("model", "log.parquet")
    ]


def get_final_output():
    """Everything the pipeline produces for this config."""
    return (
        fetch_outputs()
        + translate_outputs()
        + corpus_outputs()
        + train_outputs()
        + evaluate_outputs()
        + report_outputs()
    )


EVALUATION = config["evaluation"]
ZERO_SHOT = "zero_shot"


def evaluation_runs():
    """Runs evaluated per encoder: the untrained encoder (zero_shot) and every training run."""
    return ([ZERO_SHOT] if EVALUATION["zero_shot"] else []) + training_runs()


def evaluated_model_inputs(wildcards):
    """The trained model directory of a run, or the encoder itself when local (zero_shot)."""
    if wildcards.run == ZERO_SHOT:
        return local_model_inputs(encoder_model(wildcards.encoder))
    return [f"{RESULTS}/train/{wildcards.encoder}/{wildcards.run}/model"]


def benchmark_format(name):
    return entry("benchmarks", name)["format"]


def benchmark_settings(name):
    """Retrieval settings of a benchmark: MIRACL is monolingual, LAReQA-style ones have all three."""
    return (
        ["mono"] if benchmark_format(name) == "miracl" else ["mono", "cross", "multi"]
    )


def run_identity(encoder, run):
    """The identity columns of a run's `metrics` rows: encoder, run, strategy, alpha, seed."""
    if run == ZERO_SHOT:
        return {
            "encoder": encoder,
            "run": run,
            "strategy": run,
            "alpha": None,
            "seed": None,
        }
    options = training_options(run)
    alpha = options["alpha"] if options["strategy"] == "hybrid" else None
    return {
        "encoder": encoder,
        "run": run,
        "strategy": options["strategy"],
        "alpha": alpha,
        "seed": options["seed"],
    }


def benchmark_tables(wildcards):
    folder = f"{RESULTS}/fetch/benchmarks/{wildcards.benchmark}"
    return {
        table: f"{folder}/{table}.parquet"
        for table in ("candidates", "queries", "qrels")
    }


def run_per_query_tables(wildcards):
    """per_query tables of every evaluated run of one encoder on one benchmark."""
    return expand(
        f"{RESULTS}/evaluate/{wildcards.encoder}/{{run}}/{wildcards.benchmark}/per_query.parquet",
        run=evaluation_runs(),
    )


def evaluated_outputs(table):
    """One `table` file per (encoder, evaluated run, benchmark)."""
    return [
        f"{RESULTS}/evaluate/{encoder}/{run}/{benchmark}/{table}.parquet"
        for encoder in encoder_names()
        for run in evaluation_runs()
        for benchmark in benchmark_names()
    ]


def significance_tables():
    return expand(
        f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/significance.parquet",
        encoder=encoder_names(),
        benchmark=benchmark_names(),
    )


def evaluate_outputs():
    return [
        f"{RESULTS}/evaluate/metrics.parquet",
        f"{RESULTS}/evaluate/significance.parquet",
    ]


REPORT = f"{RESULTS}/report"
PAPER_NUMBERS = str(
    Path(workflow.basedir) / "workflow" / "report" / "paper_numbers.csv"
)
REPORT_TABLES = [
    "map",
    "rank_distance",
    "miracl",
    "per_language",
    "mt_quality",
    "translation_flags",
    "corpus_ledger",
]


def benchmarks_of_format(*formats):
    return [b["name"] for b in config["benchmarks"] if b["format"] in formats]


def retrieval_benchmarks():
    """Benchmarks with mono, cross and multi settings (LAReQA-style)."""
    return [name for name in benchmark_names() if "multi" in benchmark_settings(name)]


def miracl_benchmarks():
    return benchmarks_of_format("miracl")


def per_query_records(encoder=None, benchmark=None):
    """per_query tables of the retrieval benchmarks, each with its encoder, run and benchmark."""
    return [
        {
            "encoder": e,
            "run": run,
            "benchmark": b,
            "path": f"{RESULTS}/evaluate/{e}/{run}/{b}/per_query.parquet",
        }
        for e in ([encoder] if encoder else encoder_names())
        for run in evaluation_runs()
        for b in ([benchmark] if benchmark else retrieval_benchmarks())
    ]


def training_log_records():
    """Training logs, each with its encoder and run."""
    return [
        {"encoder": e, "run": run, "path": f"{RESULTS}/train/{e}/{run}/log.parquet"}
        for e in encoder_names()
        for run in training_runs()
    ]


def corpus_ledger_paths():
    return expand(
        f"{RESULTS}/corpus/ledger/{{dataset}}.parquet",
        dataset=qa_dataset_names() + parallel_dataset_names(),
    )


def translation_ledger_paths():
    return expand(
        f"{RESULTS}/translate/ledger/{{lang}}.parquet", lang=target_languages()
    )


def mt_quality_inputs():
    """The mt_quality table where the translate stage makes one, else nothing."""
    return [f"{RESULTS}/translate/mt_quality.parquet"] if quality_languages() else []


def report_table_files(name):
    return [f"{REPORT}/tables/{name}.{ext}" for ext in ("parquet", "md", "html")]


def report_figures():
    """Every figure (PNG; a PDF beside each) of the report stage."""
    pairs = [(e, b) for e in encoder_names() for b in retrieval_benchmarks()]
    everything = [(e, b) for e in encoder_names() for b in benchmark_names()]
    return (
        [f"{REPORT}/figures/map_heatmap/{e}-{b}.png" for e, b in pairs]
        + [f"{REPORT}/figures/map_difference/{e}-{b}.png" for e, b in pairs]
        + [f"{REPORT}/figures/rank_distance/{e}-{b}.png" for e, b in pairs]
        + [f"{REPORT}/figures/per_language/{e}-{b}.png" for e, b in everything]
        + (
            [f"{REPORT}/figures/alpha_sweep/{e}.png" for e in encoder_names()]
            if retrieval_benchmarks()
            else []
        )
        + [f"{REPORT}/figures/training_loss.png"]
    )


def report_outputs():
    """Everything the report stage makes."""
    tables = [f for name in REPORT_TABLES for f in report_table_files(name)]
    figures = [f for png in report_figures() for f in (png, png[: -len("png")] + "pdf")]
    return tables + figures + [f"{RESULTS}/summary.md", f"{REPORT}/summary.html"]


def summary_config():
    """The config facts that results/summary.md states."""
    keep = ("encoders", "strategies", "alpha", "seeds", "steps", "batch_size")
    return canonical(
        {
            "seed": config["seed"],
            "languages": config["languages"],
            "training": {k: TRAINING[k] for k in keep},
            "benchmarks": [
                {k: b[k] for k in ("name", "format", "languages")}
                for b in config["benchmarks"]
            ],
            "translation": {
                "model": config["translation"]["model"],
                "quality": {"benchmark": config["translation"]["quality"]["benchmark"]},
            },
        }
    )
