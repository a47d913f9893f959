"""The jobs of a Snakemake dry run, as 'rule wildcards' lines: what a config plans, compared across
versions of the workflow (tests/workflow/data/jobs-*.txt hold main's before training mixtures)."""

import re
from pathlib import Path

from tests.support import snakemake

JOB = re.compile(r"^(?:local)?rule (?P<rule>\w+):$")


def planned_jobs(dry_run: str) -> list[str]:
    """'rule wildcards' of every job that `snakemake -n` printed, sorted."""
    jobs, rule = [], None
    for line in dry_run.splitlines():
        found = JOB.match(line)
        if found:
            if rule is not None:
                jobs.append(rule)
            rule = found["rule"]
        elif rule is not None and line.strip().startswith("wildcards:"):
            rule = f"{rule} {line.strip().removeprefix('wildcards:').strip()}"
        elif rule is not None and line.startswith("Shell command"):
            jobs.append(rule)
            rule = None
    if rule is not None:
        jobs.append(rule)
    return sorted(jobs)


def dry_run_jobs(workflow: Path, configfile: str) -> list[str]:
    """The planned jobs of `configfile` in a workflow folder without results."""
    output = snakemake(workflow, "-n", "--cores", "2", "--configfile", configfile).stdout
    return planned_jobs(output)
