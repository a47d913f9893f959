"""The studies in studies/<name>/ (a config each, with its README) and what one costs on a cluster:
the GPU-hours that profiles/slurm's sizes reserve for the jobs a dry run of its config plans (each
GPU job's runtime limit at its first attempt times its GPUs: an upper bound, not a measurement).

    python -m hybridir.studies cost NAME    # plans the study and prints its GPU-hours
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from snakemake.cli import parse_set_resources
from snakemake.profiles import ProfileConfigFileParser
from snakemake.resources import Resources

from hybridir.config import load_config

STUDIES = Path("studies")
CONFIG = "config.yaml"
SLURM_PROFILE = Path("profiles/slurm/config.yaml")


def study_names(root: Path = STUDIES) -> list[str]:
    """Every study: a folder of studies/ with a config.yaml, in name order."""
    return sorted(folder.name for folder in root.iterdir() if (folder / CONFIG).is_file())


def study_config(name: str, root: Path = STUDIES) -> Path:
    return root / name / CONFIG


def job_counts(output: str) -> Counter[str]:
    """Rule -> jobs, from the "Job stats" table that Snakemake prints before it runs."""
    table = re.search(r"Job stats:\n.*?\n-+ +-+\n(.*?)\n(?:total|\n)", output, re.S)
    if table is None:
        raise ValueError(f"no 'Job stats' table in Snakemake's output:\n{output}")
    return Counter({rule: int(count) for rule, count in (line.split() for line in table.group(1).splitlines())})


def profile_resources(profile: Path = SLURM_PROFILE) -> dict[str, Resources]:
    """A profile's set-resources as Snakemake parses them: rule -> resources."""
    with profile.open() as stream:
        settings = ProfileConfigFileParser().parse(stream)
    return parse_set_resources(settings["set-resources"])


def evaluated(resources: Resources, name: str, attempt: int) -> int:
    """A resource's value for one attempt, evaluated by Snakemake (0 where the rule sets none)."""
    if name not in resources:
        return 0
    resource = resources[name].evaluate(wildcards={}, input=[], attempt=attempt, threads=1, rulename="", async_run=None)
    return resource.value


def gpu_hours(counts: Counter[str], sizes: dict[str, Resources], processes: int) -> float:
    """GPU-hours of the planned jobs at their first attempt: runtime (minutes) times GPUs, summed.
    A train job asks for `processes` GPUs (training.processes, set by its rule, not the profile)."""
    total = 0.0
    for rule, jobs in counts.items():
        gpus = processes if rule == "train" else evaluated(sizes.get(rule, {}), "gpu", 1)
        total += jobs * gpus * evaluated(sizes.get(rule, {}), "runtime", 1) / 60
    return total


def dry_run(config: Path) -> str:
    """Snakemake's dry run of a config (the jobs a run from scratch would make)."""
    command = [sys.executable, "-m", "snakemake", "-n", "--configfile", str(config), "--replace-workflow-config"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"dry run of {config} failed:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def study_cost(name: str) -> float:
    """The study's GPU-hours by profiles/slurm's sizes."""
    config = study_config(name)
    processes = load_config(config)["training"]["processes"]
    return gpu_hours(job_counts(dry_run(config)), profile_resources(), processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["cost"])
    parser.add_argument("name", choices=study_names())
    args = parser.parse_args()
    print(f"{args.name}: at most {study_cost(args.name):,.0f} GPU-hours (profiles/slurm's runtime limits)")


if __name__ == "__main__":
    main()
