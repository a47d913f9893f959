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


def entry(section, name):
    """The config entry of `section` called `name`, keys sorted so params ignore key order."""
    found = next(e for e in config[section] if e["name"] == name)
    return json.loads(json.dumps(found, sort_keys=True))


def qa_dataset_names():
    return [d["name"] for d in config["datasets"]]


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
        expand(f"{RESULTS}/fetch/qa/{{dataset}}.parquet", dataset=qa_dataset_names())
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


def get_final_output():
    """Everything the pipeline produces for this config."""
    return fetch_outputs()
