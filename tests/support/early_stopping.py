"""One training process of the early-stopping test, run twice under torchrun (gloo, CPU): each
process's own share of the validation loss is replaced by a made-up one that differs by rank (rank
0's keeps falling, rank 1's keeps rising), so that processes deciding alone would stop at different
steps. Each process writes the step it stopped at and its own shares to <folder>/rank-<rank>.json.

    torchrun --nproc_per_node 2 -m tests.support.early_stopping CORPUS ENCODER FOLDER
"""

import json
import sys
from pathlib import Path

import torch.distributed as dist

import hybridir.train.loss
from hybridir.demo.data import LANGUAGES
from hybridir.encoders import EncoderSpec
from hybridir.tables import read_table
from hybridir.train.trainer import Trainer
from tests.support.training import options, validation_table


def main(corpus_path: str, encoder: str, folder: str) -> None:
    corpus = read_table(corpus_path, "parallel")
    opts = options(steps=40, eval_steps=2, patience=2)
    trainer = Trainer(
        encoder=EncoderSpec(encoder),
        corpus=corpus,
        languages=LANGUAGES,
        options=opts,
        validation=validation_table(corpus),
        device="cpu",
    )
    shares: list[float] = []

    def made_up_share(*_args) -> list[float]:
        validations = len(shares) + 1
        shares.append(1.0 / validations if trainer.rank == 0 else float(validations))
        return [shares[-1], 1.0]

    hybridir.train.loss.validation_sums = made_up_share
    log = trainer.fit(Path(folder) / "model", Path(folder) / "checkpoint.pt")
    record = {"step": trainer.step, "shares": shares, "val_loss": log["val_loss"].dropna().tolist()}
    (Path(folder) / f"rank-{trainer.rank}.json").write_text(json.dumps(record))
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:])
