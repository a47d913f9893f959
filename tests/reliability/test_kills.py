"""Every heavy stage survives SIGKILL: a job killed at a random moment of its work leaves nothing
partial under its final names, and its rerun gives what the uninterrupted demo run gave (tables
identical in content, model weights within 1e-6).

Each test reruns one job of a copy of the demo run: its outputs are moved aside as the reference,
`snakemake <output>` starts, and Snakemake's process group is killed at a seeded random moment
after the job's work has begun: within half the time the demo's job spent working (first to
last time stamp of its log) after its log appears (after the checkpoint for training). Where the job
ends first (a faster machine than the demo's), the kill is drawn again over half the time.
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

from hybridir import layout
from hybridir.tables import read_table

pytestmark = pytest.mark.workflow
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
DEMO = ("--profile", "profiles/demo")
WILDCARDS = {
    "dataset": "facts",
    "lang": "de",
    "shard": "0",
    "encoder": "tiny",
    "run": "x_x-s7",
    "benchmark": "demo_lareqa",
}
TRIES = 3


@dataclass(frozen=True)
class Stage:
    """One heavy job of the demo: its name in layout (log, benchmark file), its outputs (path
    template -> what they hold: a table name, "model" or "vectors"), a path (glob) whose
    appearance shows its work has begun, what else of it a fresh start removes, and what the
    rerun's log says when it picks up the killed job's work."""

    job: str
    outputs: dict[str, str]
    started: str
    state: tuple[str, ...] = ()
    resumed: str | None = None


STAGES = {
    "translate": Stage(
        layout.TRANSLATE_JOB, {layout.TRANSLATION_SHARD: "translations"}, layout.log(layout.TRANSLATE_JOB)
    ),
    "train": Stage(
        layout.TRAIN_JOB,
        {layout.MODEL: "model", layout.TRAINING_LOG: "training_log"},
        f"{layout.RUN_FOLDER}/checkpoint.pt",
        state=(layout.RUN_FOLDER,),
        resumed="resumed from",
    ),
    "encode": Stage(
        layout.ENCODE_JOB,
        {layout.QUERY_VECTORS: "vectors", layout.CANDIDATE_VECTORS: "vectors"},
        layout.log(layout.ENCODE_JOB),
    ),
    "rank": Stage(layout.RANK_JOB, {layout.RANKINGS: "rankings"}, layout.log(layout.RANK_JOB)),
}


@pytest.fixture
def demo_copy(demo_run: Path, tmp_path: Path) -> Path:
    """A copy of the demo run (outputs, their times and Snakemake's records): the session's demo
    run is left as it was, and no other test's rerun makes this one's upstream look outdated."""
    target = tmp_path / "hybridir"
    shutil.copytree(demo_run, target, symlinks=True)
    return target


def snakemake(cwd: Path, *args: str) -> None:
    result = subprocess.run([str(SNAKEMAKE), *DEMO, *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def working_seconds(log: Path) -> float:
    """Seconds from the first to the last time stamp of a job's log."""
    stamps = re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ", log.read_text(), re.M)
    first, last = (pd.Timestamp(stamp.replace(",", ".")) for stamp in (stamps[0], stamps[-1]))
    return (last - first).total_seconds()


def kill_at(cwd: Path, target: Path, started: str, delay: float) -> bool:
    """Run Snakemake for `target`; once `started` matches a path, wait `delay` seconds, then kill
    Snakemake and its job (one process group). False where the job ended before the kill."""
    job = subprocess.Popen(
        [str(SNAKEMAKE), *DEMO, str(target.relative_to(cwd))],
        cwd=cwd,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while not list(cwd.glob(started)) and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    end = time.monotonic() + delay
    while job.poll() is None and time.monotonic() < end:
        time.sleep(0.01)
    ended = job.poll() is not None
    os.killpg(job.pid, signal.SIGKILL)
    job.wait()
    assert not ended or job.returncode == 0, f"snakemake {target} failed before it was killed"
    return not ended


def assert_same(path: Path, reference: Path, kind: str) -> None:
    """`path` holds what `reference` holds: a table's rows, a model's weights, a vector folder's vectors."""
    if kind == "model":
        first, second = load_file(path / "model.safetensors"), load_file(reference / "model.safetensors")
        assert first.keys() == second.keys()
        assert all(torch.allclose(first[k], second[k], atol=1e-6) for k in first)
        assert sorted(p.name for p in path.iterdir()) == sorted(p.name for p in reference.iterdir())
    elif kind == "vectors":
        shards = sorted(p.name for p in reference.glob("*.npy"))
        assert sorted(p.name for p in path.glob("*.npy")) == shards
        assert all(np.array_equal(np.load(path / name), np.load(reference / name)) for name in shards)
    else:
        # the training log's `seconds` is wall time; its losses may differ in the last bits after a resume
        table, expected = read_table(path, kind), read_table(reference, kind)
        timed = [c for c in table.columns if c == "seconds"]
        exact = kind != "training_log"
        pd.testing.assert_frame_equal(
            table.drop(columns=timed), expected.drop(columns=timed), check_exact=exact, atol=1e-6
        )


@pytest.mark.parametrize("stage", STAGES)
def test_a_job_killed_at_a_random_moment_reruns_to_the_same_outputs(demo_copy: Path, stage: str) -> None:
    spec = STAGES[stage]
    outputs = {demo_copy / template.format(**WILDCARDS): kind for template, kind in spec.outputs.items()}
    references = {path: demo_copy / "reference" / stage / path.name for path in outputs}
    log = demo_copy / layout.log(spec.job.format(**WILDCARDS))
    window = working_seconds(log)
    draws = random.Random(f"kill {stage}")
    target = next(iter(outputs))
    for attempt in range(TRIES):
        for path, reference in references.items():
            if attempt == 0:
                reference.parent.mkdir(parents=True, exist_ok=True)
                path.rename(reference)
            else:  # the job ended before the kill: a complete run, which must equal the reference too
                assert_same(path, reference, outputs[path])
                remove(path)
        for template in (*spec.state, layout.log(spec.job)):
            remove(demo_copy / template.format(**WILDCARDS))
        if kill_at(demo_copy, target, spec.started.format(**WILDCARDS), draws.uniform(0, window / 2 ** (attempt + 1))):
            break
    else:
        pytest.fail(f"the {stage} job ended before each of {TRIES} kills")
    for path, reference in references.items():
        if path.exists():  # an output the job completed before the kill, under its final name
            assert_same(path, reference, outputs[path])
    snakemake(demo_copy, "--unlock")
    snakemake(demo_copy, str(target.relative_to(demo_copy)))
    for path, reference in references.items():
        assert_same(path, reference, outputs[path])
        assert not list(path.parent.glob(f".{path.name}.tmp-*")), "a temporary sibling was left behind"
    if spec.resumed:
        assert spec.resumed in log.read_text()
