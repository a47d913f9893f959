"""Job logs read back: the warnings every job logged (hybridir.logs writes them one per line), for
the report's `warnings` table and for the line that ends a run (`show_warnings`, in the workflow's
onsuccess / onerror handlers; no heavy import, as the Snakefile imports it)."""

import os
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from hybridir.failures import LOG_LINE
from hybridir.logs import RULE_LINE, WARNING_LINE


def log_warnings(path: str | os.PathLike) -> tuple[str | None, Counter[str]]:
    """The rule of a job log (from its first line) and how often it logged each warning message."""
    rule, messages = None, Counter()
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if rule is None and (found := RULE_LINE.match(line.rstrip("\n"))):
                rule = found[1]
            elif warning := WARNING_LINE.match(line.rstrip("\n")):
                messages[warning[1]] += 1
    return rule, messages


def warning_rows(logs: Iterable[str | os.PathLike], root: str | os.PathLike) -> list[tuple[str | None, str, str, int]]:
    """(rule, job, message, count) per job and message of the job logs: the job is the log's path
    under `root` without .log; jobs in path order, messages in the order first logged."""
    rows = []
    for path in sorted(map(Path, logs)):
        rule, messages = log_warnings(path)
        job = str(path.relative_to(root).with_suffix(""))
        rows.extend((rule, job, message, count) for message, count in messages.items())
    return rows


def job_logs(folder: str | os.PathLike, excluded: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Every job log (*.log) under `folder`, but the `excluded` ones."""
    skip = {Path(path).resolve() for path in excluded}
    return sorted(path for path in Path(folder).rglob("*.log") if path.resolve() not in skip)


def run_job_logs(snakemake_log: str | os.PathLike) -> list[str]:
    """The log files of the jobs that a Snakemake log reports, each once, in order."""
    found: dict[str, None] = {}
    for line in Path(snakemake_log).read_text(encoding="utf-8", errors="replace").splitlines():
        if match := LOG_LINE.match(line):
            found.update(dict.fromkeys(match[1].split(", ")))
    return list(found)


def warnings_line(logs: Iterable[str], table: str) -> str | None:
    """'hybridir: N warning(s) logged by K of this run's M jobs ...' naming where to read them (None
    for a run without jobs)."""
    counts = {log: sum(log_warnings(log)[1].values()) for log in logs if Path(log).is_file()}
    warned = {log: count for log, count in counts.items() if count}
    if not warned:
        return f"hybridir: this run's {len(counts)} jobs logged no warnings" if counts else None
    shown = ", ".join(f"{log} ({count})" for log, count in list(warned.items())[:5])
    more = f" and {len(warned) - 5} more" if len(warned) > 5 else ""
    return (
        f"hybridir: {sum(warned.values())} warning(s) logged by {len(warned)} of this run's {len(counts)} jobs; "
        f"read them in {table} (after the report) or in the job logs: {shown}{more}"
    )


def show_warnings(
    snakemake_logs: str | os.PathLike | Iterable[str | os.PathLike], table: str, stream: TextIO = sys.stderr
) -> None:
    """Print how many warnings the jobs of a run logged and where to read them (an onsuccess /
    onerror handler's `log`: the run's Snakemake log file or files)."""
    paths = [snakemake_logs] if isinstance(snakemake_logs, str | os.PathLike) else list(snakemake_logs)
    logs = [log for path in paths if Path(path).is_file() for log in run_job_logs(path)]
    line = warnings_line(logs, table)
    if line:
        print(line, file=stream, flush=True)
