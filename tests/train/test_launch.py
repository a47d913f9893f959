"""The training launcher the rule uses: 2 processes (gloo, CPU) give the losses of 1 process on the
same global batch, and every worker runs the library copy of the launching checkout, even when
another copy is installed (as in a conda env without hybridir, or a second clone)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from hybridir.demo.data import LANGUAGES, demo_texts, make_towns
from hybridir.demo.tiny import build_tiny_encoder
from hybridir.imports import PACKAGE
from hybridir.tables import read_provenance, read_table, write_table
from hybridir.train.options import TrainingOptions

COPY_VERSION = "0.1.0+launching-checkout"


def corpus(folder: Path) -> Path:
    rows = [
        (f"towns/{town.name}-{fact}", "towns", lang, town.question(fact, lang), town.sentence(fact, lang), [])
        for town in make_towns(12, 3, set())
        for fact in town.facts
        for lang in LANGUAGES
    ]
    frame = pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage", "negative_passages"])
    write_table(frame, folder / "corpus.parquet", "parallel")
    return folder / "corpus.parquet"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A copy of the library (its version marked) and a training workspace."""
    folder = tmp_path_factory.mktemp("launch")
    library = folder / "checkout" / "workflow"
    shutil.copytree(PACKAGE, library / "hybridir", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PACKAGE.parent / "schemas", library / "schemas")
    init = library / "hybridir" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', f'__version__ = "{COPY_VERSION}"'))
    options = TrainingOptions(steps=4, batch_size=8, learning_rate=1e-3, checkpoint_steps=1000, seed=3)
    (folder / "options.json").write_text(json.dumps(options.__dict__))
    encoder = build_tiny_encoder(demo_texts(0), folder / "encoder", dropout=0.0)
    return {"folder": folder, "library": library, "corpus": corpus(folder), "encoder": encoder}


def train_through_the_launcher(checkout: dict[str, Path], name: str, processes: int) -> Path:
    """Run hybridir.train.launch.launch of the copied checkout in a fresh interpreter."""
    folder = checkout["folder"] / name
    argv = [
        "--model", str(checkout["encoder"]), "--corpus", str(checkout["corpus"]), "--languages", *LANGUAGES,
        "--options", str(checkout["folder"] / "options.json"), "--output", str(folder / "model"),
        "--checkpoint", str(folder / "checkpoint.pt"), "--training-log", str(folder / "log.parquet"),
    ]  # fmt: skip
    code = f"from hybridir.train.launch import launch; launch({argv!r}, {processes})"
    env = os.environ | {"PYTHONPATH": str(checkout["library"]), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder / "log.parquet"


def test_two_processes_through_the_launcher_equal_one_and_run_the_launchers_library(
    checkout: dict[str, Path],
) -> None:
    one = train_through_the_launcher(checkout, "one", 1)
    two = train_through_the_launcher(checkout, "two", 2)
    for log in (one, two):
        assert read_provenance(log)["hybridir_version"] == COPY_VERSION
    one_log, two_log = read_table(one, "training_log"), read_table(two, "training_log")
    assert one_log["pairs"].tolist() == two_log["pairs"].tolist()
    assert (one_log["loss"] - two_log["loss"]).abs().max() < 1e-5
