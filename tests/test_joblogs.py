"""Warnings read back from job logs: the report's table rows and the line that ends a run."""

import io
import logging
from pathlib import Path

from hybridir.joblogs import job_logs, run_job_logs, show_warnings, warning_rows
from hybridir.logs import FORMAT


def job_log(path: Path, rule: str, *records: tuple[int, str]) -> Path:
    """A job log as hybridir.logs.log_to writes it: the rule's line, then `records` (level, message)."""
    formatter = logging.Formatter(FORMAT)
    lines = [(logging.INFO, f"job of rule {rule}"), *records]
    text = "".join(
        formatter.format(
            logging.makeLogRecord({"levelno": level, "levelname": logging.getLevelName(level), "msg": message})
        )
        + "\n"
        for level, message in lines
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "Traceback (most recent call last):\n  WARNING in a traceback is not a warning\n")
    return path


def logs(root: Path) -> list[Path]:
    return [
        job_log(
            root / "fetch/qa/facts.log", "fetch_qa", (logging.WARNING, "facts: 2 rows renamed"), (logging.INFO, "ok")
        ),
        job_log(
            root / "fetch/benchmarks/b.log",
            "fetch_benchmark",
            (logging.WARNING, "b: 1 answer moved"),
            (logging.WARNING, "b: 1 answer moved"),
            (logging.ERROR, "no"),
        ),
        job_log(root / "corpus/facts.log", "corpus", (logging.INFO, "nothing to say")),
    ]


def test_every_warning_of_every_job_log_once_per_job_and_message(tmp_path: Path) -> None:
    written = logs(tmp_path / "logs")
    assert job_logs(tmp_path / "logs", excluded=[written[2]]) == sorted(written[:2])
    assert warning_rows(written, tmp_path / "logs") == [
        ("fetch_benchmark", "fetch/benchmarks/b", "b: 1 answer moved", 2),
        ("fetch_qa", "fetch/qa/facts", "facts: 2 rows renamed", 1),
    ]


SNAKEMAKE_LOG = """localrule fetch_qa:
    input: facts.jsonl
    log: {0}
    jobid: 1
localrule fetch_benchmark:
    log: {1}
localrule corpus:
    log: {2}
Error in rule corpus:
    log: {2} (check log file(s) for error details)
"""


def test_a_run_ends_with_its_warnings_and_where_to_read_them(tmp_path: Path) -> None:
    written = logs(tmp_path / "logs")
    snakemake_log = tmp_path / "run.log"
    snakemake_log.write_text(SNAKEMAKE_LOG.format(*written))
    assert run_job_logs(snakemake_log) == [str(path) for path in written]
    stream = io.StringIO()
    show_warnings(str(snakemake_log), "results/report/tables/warnings.md", stream)
    line = stream.getvalue()
    assert line.startswith("hybridir: 3 warning(s) logged by 2 of this run's 3 jobs; read them in results/report")
    assert f"{written[0]} (1), {written[1]} (2)" in line


def test_a_run_without_warnings_says_so_and_one_without_jobs_says_nothing(tmp_path: Path) -> None:
    quiet = job_log(tmp_path / "logs/corpus/a.log", "corpus")
    for text, expected in (
        (f"rule corpus:\n    log: {quiet}\n", "hybridir: this run's 1 jobs logged no warnings\n"),
        ("Nothing to be done.\n", ""),
    ):
        (tmp_path / "run.log").write_text(text)
        stream = io.StringIO()
        show_warnings([tmp_path / "run.log"], "warnings.md", stream)
        assert stream.getvalue() == expected
