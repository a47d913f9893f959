"""What the training loop calls after each step, kept out of it as Lightning keeps its callbacks:
early stopping (which also keeps the best model), the checkpoint, and the training log.

Each has a state_dict() / load_state_dict() of plain values and tensors, stored in the checkpoint,
so that a resumed run continues exactly where the killed one stopped.
"""

import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from torch.utils.tensorboard import SummaryWriter

from hybridir.atomic import atomic_write
from hybridir.train.batches import StepTexts
from hybridir.train.distributed import barrier, first_process_says
from hybridir.train.samplers import Batch

LOG_COLUMNS = [
    "step", "loss", "val_loss", "lr", "kind", "dataset", "lang", "pairs", "dropped_negatives", "negatives",
    "langs", "lang_texts", "seconds",
]  # fmt: skip


class EarlyStopping:
    """Stops after `patience` validations without a lower loss; `save(path)` keeps the model of the
    lowest loss at `best_model` (beside the checkpoint, so a resumed run still has it). Under
    several processes the decision to stop is process 0's, broadcast, so all stop at one step."""

    def __init__(self, patience: int, best_model: Path, save: Callable[[Path], None]):
        self.patience = patience
        self.best_model = best_model
        self.save = save
        self.best = math.inf
        self.stale = 0
        self.should_stop = False

    def update(self, val_loss: float) -> None:
        if val_loss < self.best:
            self.best, self.stale = val_loss, 0
            self.save(self.best_model)
        else:
            self.stale += 1
        self.should_stop = first_process_says(self.stale >= self.patience)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "stale": self.stale}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.best, self.stale = state["best"], state["stale"]
        self.should_stop = self.stale >= self.patience


class Checkpoint:
    """The run's state, written to `path` every `every` steps by process 0 (atomically; every
    process waits for it) and read back when a run starts."""

    def __init__(self, path: Path, every: int, rank: int):
        self.path = path
        self.every = every
        self.rank = rank

    def due(self, step: int) -> bool:
        return step % self.every == 0

    def save(self, state: Mapping[str, Any]) -> None:
        if self.rank == 0:
            with atomic_write(self.path) as partial:
                torch.save(state, partial)
        barrier()

    def load(self, device: torch.device) -> dict[str, Any] | None:
        """The saved state, or None where there is none. Only tensors and plain values are read
        (weights_only): a crafted checkpoint cannot run code."""
        if not self.path.exists():
            return None
        return torch.load(self.path, map_location=device, weights_only=True)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class TrainingLog:
    """One row per step (the `training_log` table) and, on process 0, TensorBoard scalars: loss,
    learning rate, running count of batches per kind, validation loss."""

    def __init__(self, tensorboard: str | Path | None, rank: int):
        self.rows: list[dict[str, Any]] = []
        self.kinds: Counter[str] = Counter()
        self.writer = SummaryWriter(str(tensorboard)) if tensorboard and rank == 0 else None

    @staticmethod
    def row(step: int, loss: float, lr: float, batch: Batch, texts: StepTexts, started: float) -> dict[str, Any]:
        """The log row of a step that began at time.perf_counter() `started` (no validation loss):
        what it trained on (hybridir.train.mix reads the mix from these rows) and how it went."""
        return {
            "step": step,
            "loss": loss,
            "val_loss": None,
            "lr": lr,
            "kind": batch.kind,
            "dataset": batch.dataset,
            "lang": batch.lang,
            "pairs": len(batch.pairs),
            "dropped_negatives": texts.dropped_negatives,
            "negatives": texts.kept_negatives,
            "langs": list(texts.languages),
            "lang_texts": list(texts.languages.values()),
            "seconds": time.perf_counter() - started,
        }

    def append(self, row: Mapping[str, Any]) -> None:
        self.rows.append(dict(row))
        self.kinds[row["kind"]] += 1
        if self.writer:
            self.write_scalars(row)

    def write_scalars(self, row: Mapping[str, Any]) -> None:
        self.writer.add_scalar("loss/train", row["loss"], row["step"])
        self.writer.add_scalar("lr", row["lr"], row["step"])
        for kind, count in sorted(self.kinds.items()):
            self.writer.add_scalar(f"batches/{kind}", count, row["step"])
        if row["val_loss"] is not None:
            self.writer.add_scalar("loss/validation", row["val_loss"], row["step"])

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=LOG_COLUMNS)

    def close(self) -> None:
        if self.writer:
            self.writer.close()

    def state_dict(self) -> dict[str, Any]:
        return {"rows": self.rows}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.rows = list(state["rows"])
        self.kinds = Counter(row["kind"] for row in self.rows)
        logging.info("training log: %d steps restored", len(self.rows))
