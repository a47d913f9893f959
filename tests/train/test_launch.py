"""The training launcher the rule uses: 2 processes (gloo, CPU) give the losses of 1 process on the
same global batch, and every worker runs the library copy of the launching checkout, even when
another copy is installed (as in a conda env without hybridir, or a second clone)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from hybridir.demo.data import LANGUAGES, demo_texts, make_towns
from hybridir.demo.tiny import build_tiny_encoder
from hybridir.errors import ConfigError
from hybridir.imports import PACKAGE
from hybridir.tables import read_provenance, read_table, write_table
from hybridir.train.options import TrainingJob
from hybridir.train.run import train
from tests.support.training import options, training_job

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
    encoder = build_tiny_encoder(demo_texts(0), folder / "encoder", dropout=0.0)
    return {"folder": folder, "library": library, "corpus": corpus(folder), "encoder": encoder}


def train_through_the_launcher(checkout: dict[str, Path], name: str, processes: int) -> Path:
    """Run hybridir.train.launch.launch of the copied checkout in a fresh interpreter."""
    folder = checkout["folder"] / name
    job = training_job(folder, checkout["encoder"], checkout["corpus"], options(steps=4), processes)
    code = (
        "from hybridir.train.launch import launch; from hybridir.train.options import TrainingJob; "
        f"launch(TrainingJob.read({str(folder / 'job.json')!r}), {str(folder / 'options.json')!r})"
    )
    job.write(folder / "job.json")
    env = os.environ | {"PYTHONPATH": str(checkout["library"]), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert TrainingJob.read(folder / "options.json") == job
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


def test_a_training_error_names_the_encoder_entry(tmp_path: Path) -> None:
    job = training_job(tmp_path, tmp_path / "no-such-model", corpus(tmp_path), options(steps=1))
    with pytest.raises(ConfigError, match=r"encoder 'tiny' \(.*no-such-model\): cannot load the model"):
        train(job)


def test_a_job_file_without_a_key_is_refused_naming_the_file_and_the_key(tmp_path: Path) -> None:
    training_job(tmp_path, tmp_path / "model", tmp_path / "corpus.parquet", options()).write(tmp_path / "job.json")
    text = (tmp_path / "job.json").read_text().replace('"languages"', '"langs"')
    (tmp_path / "job.json").write_text(text)
    with pytest.raises(ConfigError, match=r"job\.json: missing keys \['languages'\], unknown keys \['langs'\]"):
        TrainingJob.read(tmp_path / "job.json")
