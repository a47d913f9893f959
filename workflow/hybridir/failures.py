"""What a failed run shows the user first: the one-line error that ends each failed job's log
(hybridir.logs.error_line), and what to run when a killed run left its lock behind."""

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from hybridir.logs import ERROR_PREFIX

FAILED_RULE = re.compile(r"^Error in rule (\S+):")
LOG_LINE = re.compile(r"^\s+log: (.+?)(?: \(check log file\(s\) for error details\))?$")


def failed_job_logs(snakemake_log: str | os.PathLike) -> list[tuple[str, list[str]]]:
    """(rule, log files) of every job that a Snakemake log reports as failed, in order."""
    jobs: list[tuple[str, list[str]]] = []
    for line in Path(snakemake_log).read_text(encoding="utf-8", errors="replace").splitlines():
        rule = FAILED_RULE.match(line)
        if rule:
            jobs.append((rule[1], []))
        elif jobs and not jobs[-1][1] and (log := LOG_LINE.match(line)):
            jobs[-1][1].extend(log[1].split(", "))
    return jobs


def last_error_line(log: str | os.PathLike, tail_bytes: int = 65536) -> str | None:
    """The `ERROR ...` line that ends a job's log, if it ends with one (only the log's tail is read)."""
    path = Path(log)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - tail_bytes, 0))
        lines = handle.read().decode("utf-8", errors="replace").rstrip().splitlines()
    return lines[-1] if lines and lines[-1].startswith(ERROR_PREFIX) else None


def failure_summary(snakemake_log: str | os.PathLike) -> list[str]:
    """One line per failed job: its log's error line, or where to look when its log has none."""
    summary = []
    for rule, logs in failed_job_logs(snakemake_log):
        lines = [line for line in map(last_error_line, logs) if line]
        where = f"see {', '.join(logs)}" if logs else "no log file"
        summary.extend(lines or [f"{ERROR_PREFIX}{rule}: failed ({where})"])
    return summary


def ancestors() -> set[str]:
    """Process ids of this process and its parents (a `timeout` or `nohup` around Snakemake), from /proc."""
    found, pid = set(), str(os.getpid())
    while pid not in found and pid != "0":
        found.add(pid)
        try:
            pid = (Path("/proc") / pid / "stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            break
    return found


def snakemake_running_in(workdir: Path) -> bool:
    """Whether a process other than this one and its parents runs Snakemake in `workdir` (read from
    /proc; False where there is none)."""
    own = ancestors()
    for process in Path("/proc").glob("[0-9]*"):
        if process.name in own:
            continue
        try:
            if Path(os.readlink(process / "cwd")) == workdir and b"snakemake" in (process / "cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def stale_lock_hint(workdir: str | os.PathLike) -> str | None:
    """What to run when `workdir` holds Snakemake locks that no running Snakemake owns (a killed run)."""
    workdir = Path(workdir).resolve()
    if not any((workdir / ".snakemake" / "locks").glob("*.lock")) or snakemake_running_in(workdir):
        return None
    return (
        "hybridir: a killed Snakemake run left its lock in .snakemake/locks and no Snakemake runs here now: "
        "run `snakemake --unlock` (with the same --profile / --configfile), then rerun your command"
    )


def show_failures(snakemake_logs: str | os.PathLike | Iterable[str | os.PathLike], stream: TextIO = sys.stderr) -> None:
    """Print the failure summary of a run (see failure_summary) from its Snakemake log file(s) (an
    `onerror` handler's `log`), under a heading."""
    logs = [snakemake_logs] if isinstance(snakemake_logs, str | os.PathLike) else list(snakemake_logs)
    summary = [line for log in logs if Path(log).is_file() for line in failure_summary(log)]
    if summary:
        print(f"hybridir: {len(summary)} job(s) failed; the first line of each problem:", file=stream)
        print("\n".join(summary), file=stream, flush=True)
