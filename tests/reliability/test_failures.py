"""Short failures: a failing job's log ends with one line `ERROR <rule>: <input or key>: <problem>`,
Snakemake's output shows it before its own report of the job, and the run ends with those lines;
a config error is one line (key, allowed values, did you mean)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from hybridir.errors import DataError
from hybridir.failures import failed_job_logs, failure_summary, show_failures
from hybridir.logs import error_line
from tests.support import snakemake

SNAKEMAKE_LOG = """\
Building DAG of jobs...
[Wed Dec  2 01:33:10 2026]
rule fetch_qa:
Error in rule fetch_qa:
    message: None
    jobid: 0
    input: broken/facts.jsonl
    output: results/fetch/qa/facts.parquet, results/fetch/ledger/facts.parquet
    log: {log} (check log file(s) for error details)
Logfile {log}:
================================================================================
    log: not/this/one.log
================================================================================
Error in rule report_usage:
    jobid: 7
    output: results/report/tables/usage.parquet
Shutting down, this might take some time.
"""


def test_the_error_line_is_one_line_and_names_unexpected_errors_by_type() -> None:
    error = DataError(
        "broken/facts.jsonl: row 0: no field 'passage'\n  check config key datasets[facts].fields.passage"
    )
    assert error_line("fetch_qa", error) == (
        "ERROR fetch_qa: broken/facts.jsonl: row 0: no field 'passage' check config key datasets[facts].fields.passage"
    )
    assert error_line("rank", KeyError("q7")) == "ERROR rank: KeyError: 'q7'"


def test_an_uncaught_error_ends_the_job_log_with_its_error_line(tmp_path: Path) -> None:
    log = tmp_path / "job.log"
    code = textwrap.dedent(f"""
        from hybridir.errors import DataError
        from hybridir.logs import log_to
        log_to({str(log)!r}, "corpus")
        raise DataError("results/fetch/qa/facts.parquet: row 3: column 'passage' is null")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = log.read_text().splitlines()
    expected = "ERROR corpus: results/fetch/qa/facts.parquet: row 3: column 'passage' is null"
    assert result.returncode == 1 and "Traceback (most recent call last):" in lines
    assert lines[-1] == expected
    assert result.stderr.splitlines() == [expected]


def test_the_summary_takes_each_failed_jobs_error_line(tmp_path: Path) -> None:
    job_log = tmp_path / "facts.log"
    job_log.write_text("Traceback (most recent call last):\n  ...\nERROR fetch_qa: broken/facts.jsonl: row 0: bad\n")
    run_log = tmp_path / "run.snakemake.log"
    run_log.write_text(SNAKEMAKE_LOG.format(log=job_log))
    assert failed_job_logs(run_log) == [("fetch_qa", [str(job_log)]), ("report_usage", [])]
    assert failure_summary(run_log) == [
        "ERROR fetch_qa: broken/facts.jsonl: row 0: bad",
        "ERROR report_usage: failed (no log file)",
    ]
    job_log.write_text("Killed\n")
    assert failure_summary(run_log)[0] == f"ERROR fetch_qa: failed (see {job_log})"


def test_show_failures_accepts_the_log_list_of_an_onerror_handler(tmp_path: Path, capsys) -> None:
    run_log = tmp_path / "run.snakemake.log"
    run_log.write_text(SNAKEMAKE_LOG.format(log=tmp_path / "absent.log"))
    show_failures([run_log], stream=sys.stdout)
    assert capsys.readouterr().out.splitlines() == [
        "hybridir: 2 job(s) failed; the first line of each problem:",
        f"ERROR fetch_qa: failed (see {tmp_path / 'absent.log'})",
        "ERROR report_usage: failed (no log file)",
    ]


@pytest.mark.workflow
def test_a_broken_input_ends_its_job_log_and_the_run_with_one_line(workflow_copy: Path) -> None:
    broken = workflow_copy / "broken" / "facts.jsonl"
    broken.parent.mkdir()
    broken.write_text('{"id": "a", "question": "Who?", "answer": "x"}\n')
    config_path = workflow_copy / "profiles" / "demo" / "pipeline.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["datasets"][0]["source"] = "broken/facts.jsonl"
    config_path.write_text(yaml.safe_dump(config))
    result = snakemake(workflow_copy, "--profile", "profiles/demo", "results/fetch/qa/facts.parquet", check=False)
    expected = (
        "ERROR fetch_qa: broken/facts.jsonl: row 0: no field 'passage' (the row has ['answer', 'id', 'question']); "
        "check config key datasets[facts].fields.passage"
    )
    log = (workflow_copy / "results" / "logs" / "fetch" / "qa" / "facts.log").read_text().splitlines()
    assert result.returncode != 0 and log[-1] == expected
    output = (result.stdout + result.stderr).splitlines()
    assert output.index(expected) < output.index("Error in rule fetch_qa:")
    heading = output.index("hybridir: 1 job(s) failed; the first line of each problem:")
    assert output[heading + 1] == expected
    assert "Traceback (most recent call last):" not in output[heading:]


@pytest.mark.workflow
def test_a_config_typo_is_one_line_without_the_schema(workflow_copy: Path) -> None:
    config_path = workflow_copy / "profiles" / "demo" / "pipeline.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["training"]["learning_rte"] = 0.001
    config_path.write_text(yaml.safe_dump(config))
    result = snakemake(workflow_copy, "--profile", "profiles/demo", "-n", check=False)
    output = result.stdout + result.stderr
    mentions = [line for line in output.splitlines() if "learning_rte" in line]
    assert result.returncode != 0 and len(mentions) == 1
    assert "config key training.learning_rte: unknown key (did you mean 'learning_rate'?); allowed here:" in mentions[0]
    assert "Failed validating" not in output and "additionalProperties" not in output
