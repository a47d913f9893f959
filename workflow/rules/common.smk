import os
import re
import sys
from pathlib import Path

# The library lives in workflow/hybridir: the Snakefile imports it from here, and every job finds
# this checkout's copy first (hybridir.pythonpath).
LIBRARY = str(Path(workflow.basedir) / "workflow")
sys.path.insert(0, LIBRARY)

from hybridir import layout
from hybridir.pythonpath import put_first_on_pythonpath
from hybridir.config import validate_config
from hybridir.devices import stage_device
from hybridir.failures import show_failures, stale_lock_hint
from hybridir.fingerprint import script_fingerprint
from hybridir.plan.data import DataPlan
from hybridir.plan.entries import canonical
from hybridir.plan.outputs import Outputs
from hybridir.plan.report import ReportPlan
from hybridir.plan.runs import RunPlan
from hybridir.vocabulary import ZERO_SHOT, Run, run_pattern
from hybridir.joblogs import show_warnings

put_first_on_pythonpath(LIBRARY)
validate_config(config)
DATA = DataPlan(config)
RUNS = RunPlan(config)
REPORT = ReportPlan(RUNS)
OUTPUTS = Outputs(DATA, RUNS, REPORT)
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"

# A killed run's lock fails the next run with a long message: say first what to run.
if workflow.is_main_process and "--unlock" not in sys.argv:
    LOCK_HINT = stale_lock_hint(Path.cwd())
    if LOCK_HINT:
        print(LOCK_HINT, file=sys.stderr)


onsuccess:
    show_warnings(log, layout.report_table("warnings", "md"))


onerror:
    show_failures(log)
    show_warnings(log, layout.report_table("warnings", "md"))


wildcard_constraints:
    dataset=layout.NAME,
    benchmark=layout.NAME,
    encoder=layout.NAME,
    lang=layout.LANG,
    shard=layout.SHARD,
    run=run_pattern(),


def script_code(name):
    """A param that changes when script `name` or a library module it imports (transitively) changes."""
    return script_fingerprint(SCRIPTS / f"{name}.py")


def names_pattern(names):
    """A wildcard regular expression of exactly these names (none: one that matches nothing)."""
    return "|".join(re.escape(name) for name in names) or "(?!)"


def run_of(wildcards):
    return Run.parse(wildcards.encoder, wildcards.run)


def local_model(model):
    """A model given as a local directory (existing, or made by a rule) is a job input; a model
    that is not configured (null: nothing to translate, see check_translation_model) is none.
    """
    if model is None:
        return []
    is_local = os.path.isdir(model) or model.startswith(f"{layout.RESULTS}/")
    return [model] if is_local else []


def model_param(model):
    """A param: the job's local model input when it has one, else the Hub id."""
    return lambda wildcards, input: input.model[0] if input.model else model


def encoder_param(wildcards, input):
    """A param: the job's local model input when it has one, else the encoder's Hub id."""
    return input.model[0] if input.model else RUNS.encoder_model(wildcards.encoder)


def evaluated_model(wildcards):
    """The trained model folder of a run, or the encoder itself when local (zero_shot)."""
    if wildcards.run == ZERO_SHOT:
        return local_model(RUNS.encoder_model(wildcards.encoder))
    return [layout.MODEL.format(encoder=wildcards.encoder, run=wildcards.run)]


def benchmark_tables(wildcards):
    """The candidates, queries (with their translations, if any) and qrels an evaluation reads."""
    return RUNS.benchmark_tables(wildcards.benchmark)


def corpus_inputs(wildcards):
    """A parallel source's fetched table, or a QA dataset's table and its translations."""
    if wildcards.dataset in DATA.parallel_datasets:
        return {"parallel": layout.PARALLEL_SOURCE.format(dataset=wildcards.dataset)}
    return {
        "qa": layout.QA.format(dataset=wildcards.dataset),
        "translations": [
            layout.TRANSLATIONS.format(lang=lang)
            for lang in DATA.translation_languages(wildcards.dataset)
        ],
    }


def per_query_records(encoder=None, benchmark=None):
    """per_query tables of the retrieval benchmarks, each with its encoder, run and benchmark."""
    benchmarks = [benchmark] if benchmark else RUNS.retrieval_benchmarks
    return [
        {
            "encoder": run.encoder,
            "run": run.name,
            "benchmark": name,
            "path": layout.PER_QUERY.format(
                encoder=run.encoder, run=run.name, benchmark=name
            ),
        }
        for run, name in RUNS.evaluations(encoder, benchmarks)
    ]


def training_log_records():
    """Training logs, each with its encoder and run."""
    return [
        {
            "encoder": run.encoder,
            "run": run.name,
            "path": layout.TRAINING_LOG.format(encoder=run.encoder, run=run.name),
        }
        for encoder in RUNS.encoders
        for run in RUNS.training_runs(encoder)
    ]
