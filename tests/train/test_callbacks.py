"""Early stopping: one decision for all processes, from a validation loss they share."""

import json
import os
import subprocess
from pathlib import Path

from hybridir.train.callbacks import EarlyStopping
from tests.support import BIN, REPO
from tests.support.training import free_port


def test_early_stopping_stops_after_patience_validations_without_a_lower_loss(tmp_path: Path) -> None:
    saved = []
    stopping = EarlyStopping(2, tmp_path / "best", saved.append)
    for loss in (3.0, 2.0, 2.5, 2.0):
        assert not stopping.should_stop
        stopping.update(loss)
    assert stopping.should_stop and stopping.best == 2.0 and len(saved) == 2
    resumed = EarlyStopping(2, tmp_path / "best", saved.append)
    resumed.load_state_dict(stopping.state_dict())
    assert resumed.should_stop


def test_processes_whose_own_validation_losses_differ_stop_at_one_step(workspace: dict[str, Path]) -> None:
    """Rank 0's share of the validation loss keeps falling and rank 1's keeps rising: alone, rank 1
    would stop after `patience` validations and rank 0 never, leaving rank 0 waiting in a collective
    (a hang). Shared, the loss is their sum and both stop at the same step."""
    folder = workspace["folder"] / "early-stopping"
    folder.mkdir()
    launcher = [str(BIN / "torchrun"), "--nproc_per_node", "2", "--master_port", str(free_port())]
    arguments = [str(workspace["corpus"]), str(workspace["deterministic"]), str(folder)]
    command = [*launcher, "-m", "tests.support.early_stopping", *arguments]
    env = os.environ | {"OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "workflow")])}
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((folder / f"rank-{rank}.json").read_text()) for rank in (0, 1)]
    assert ranks[0]["shares"] != ranks[1]["shares"]
    assert ranks[0]["step"] == ranks[1]["step"] < 40
    # validations 1, 2, 3: 1 + 1, 1/2 + 2, 1/3 + 3 (pairs 1 + 1): the loss rises after the first, patience 2
    assert ranks[0]["step"] == 3 * 2
    assert ranks[0]["val_loss"] == [1.0, 1.25, (1 / 3 + 3) / 2]
