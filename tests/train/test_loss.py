"""The InfoNCE loss: its formula, its distributed and its cached (GradCache) forms."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from hybridir.tables import read_provenance, read_table, write_table
from hybridir.train.loss import InfoNCE
from tests.support import BIN
from tests.support.training import free_port, options, run_command, trainer, validation_table


def test_info_nce_is_cross_entropy_over_cosine_scores() -> None:
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    p = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    # cosine scores / 0.5: row 0 = [2, sqrt(2)], row 1 = [0, sqrt(2)]; cross-entropy on the diagonal
    expected = (np.log(np.exp(2) + np.exp(np.sqrt(2))) - 2 + np.log(1 + np.exp(np.sqrt(2))) - np.sqrt(2)) / 2
    assert float(InfoNCE(temperature=0.5)(q, p, p[:0])) == pytest.approx(expected, abs=1e-6)


def test_two_processes_give_the_loss_of_one_over_the_same_global_batch(workspace: dict[str, Path]) -> None:
    """...and the validation loss of one, each process computing half of the validation batches."""
    opts = options(steps=4, hard_negatives=1, eval_steps=2)
    validation = workspace["folder"] / "validation.parquet"
    write_table(validation_table(read_table(workspace["corpus"], "parallel")), validation, "validation")
    single = run_command(workspace, "single", "deterministic", opts, validation)
    subprocess.run([sys.executable, *single], check=True, capture_output=True)
    double = run_command(workspace, "double", "deterministic", opts, validation)
    launcher = [str(BIN / "torchrun"), "--nproc_per_node", "2", "--master_port", str(free_port())]
    result = subprocess.run(
        [*launcher, *double], capture_output=True, text=True, env=os.environ | {"OMP_NUM_THREADS": "1"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    one = read_table(workspace["folder"] / "single" / "log.parquet", "training_log")
    two = read_table(workspace["folder"] / "double" / "log.parquet", "training_log")
    assert one["pairs"].tolist() == two["pairs"].tolist()
    assert (one["loss"] - two["loss"]).abs().max() < 1e-5, pd.DataFrame({"one": one["loss"], "two": two["loss"]})
    assert one["val_loss"].notna().sum() == 2
    settings = read_provenance(workspace["folder"] / "single" / "log.parquet")["settings"]
    assert settings["decay_exclude"] is True and settings["max_grad_norm"] == 1.0 and settings["steps"] == 4
    assert (one["val_loss"] - two["val_loss"]).abs().max() < 1e-5


def test_the_cached_loss_gives_the_same_training(workspace: dict[str, Path]) -> None:
    plain = trainer(workspace, steps=3, bf16=False)
    cached = trainer(workspace, steps=3, cached=True, cache_chunk=3, bf16=False)
    for batch in plain.batches:
        assert abs(plain.train_step(plain.texts(batch)) - cached.train_step(cached.texts(batch))) < 1e-5
    for (name, a), b in zip(plain.model.state_dict().items(), cached.model.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-5), name
