"""Full disks and stale locks: a write that runs out of space leaves nothing under its final name
(nor a temporary file) and names the path; a Snakemake lock left by a killed run gets a hint that
says what to run."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hybridir.errors import DataError
from hybridir.failures import stale_lock_hint
from hybridir.tables import write_table
from tests.support import BIN, snakemake

HINT = "run `snakemake --unlock`"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs mounted for the test (root only; skipped with the reason otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_table_larger_than_the_disk_is_a_data_error_and_leaves_no_file(tiny_disk: Path) -> None:
    rng = np.random.default_rng(0)
    ids = [f"{value:032x}" for value in rng.integers(0, 2**62, size=20_000)]  # ~640 KB that zstd cannot shrink
    qrels = pd.DataFrame({"question_id": ids, "candidate_id": ids[::-1], "relevance": 1})
    path = tiny_disk / "qrels.parquet"
    with pytest.raises(DataError) as error:
        write_table(qrels, path, "qrels")
    assert str(path) in str(error.value) and "no space left" in str(error.value)
    assert list(tiny_disk.iterdir()) == []


def test_a_small_table_fits_the_same_disk(tiny_disk: Path) -> None:
    write_table(
        pd.DataFrame({"question_id": ["q"], "candidate_id": ["c"], "relevance": [1]}), tiny_disk / "q.parquet", "qrels"
    )
    assert [p.name for p in tiny_disk.iterdir()] == ["q.parquet"]


def test_the_hint_needs_a_lock_that_no_running_snakemake_holds(tmp_path: Path) -> None:
    assert stale_lock_hint(tmp_path) is None
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("")
    assert HINT in stale_lock_hint(tmp_path)
    live = [sys.executable, "-c", "import time; time.sleep(60)", "snakemake"]  # stands for a Snakemake run here
    holder = subprocess.Popen(live, cwd=tmp_path)
    time.sleep(0.5)
    try:
        assert stale_lock_hint(tmp_path) is None
    finally:
        holder.kill()
        holder.wait()


def kill_once_locked(workdir: Path, *args: str) -> None:
    """Start Snakemake in `workdir`, SIGKILL it (and its jobs) once it holds its lock."""
    process = subprocess.Popen(
        [str(BIN / "snakemake"), *args], cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    locks = workdir / ".snakemake" / "locks"
    deadline = time.monotonic() + 300
    while not any(locks.glob("*.lock")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert any(locks.glob("*.lock")), "Snakemake never took its lock"


@pytest.mark.workflow
def test_after_a_killed_run_the_next_run_says_to_unlock_then_rerun(workflow_copy: Path) -> None:
    target = ("--profile", "profiles/demo", "results/demo/data/qa/facts.jsonl")
    kill_once_locked(workflow_copy, *target)
    rerun = snakemake(workflow_copy, *target, check=False)
    output = rerun.stdout + rerun.stderr
    assert rerun.returncode != 0 and "LockException" in output
    assert HINT in output and "then rerun" in output
    assert output.index(HINT) < output.index("LockException")  # the hint comes first
    unlock = snakemake(workflow_copy, "--profile", "profiles/demo", "--unlock")
    assert HINT not in unlock.stdout + unlock.stderr
    assert not any((workflow_copy / ".snakemake" / "locks").glob("*.lock"))
