"""Hybrid-batch training of a shared-weight dual encoder (one process, or several under torchrun).

Each step takes its batch from a seeded schedule (hybridir.train.samplers), so every process
agrees on it and takes an equal slice; the loss (hybridir.train.loss, or its GradCache form in
hybridir.train.cached) gathers passages and hard negatives across processes, and gradients are
averaged (hybridir.train.distributed). After each step the loop calls its callbacks
(hybridir.train.callbacks): the training log, early stopping on the validation loss, and the
checkpoint, which holds weights, optimizer, schedule position, random states and the callbacks'
states, so a resumed run ends at the same weights as an uninterrupted one.
"""

import logging
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from tqdm import tqdm
from transformers import get_linear_schedule_with_warmup

from hybridir.atomic import atomic_write
from hybridir.train.cached import CachedInfoNCE
from hybridir.train.callbacks import Checkpoint, EarlyStopping, TrainingLog
from hybridir.train.distributed import average_gradients, init_distributed, local_device, mean_across
from hybridir.train.embed import TextEmbedder
from hybridir.train.loss import TextInfoNCE
from hybridir.train.options import TrainingOptions
from hybridir.train.rng import random_state, set_random_state
from hybridir.train.samplers import Batch, CorpusIndex, make_sampler, schedule
from hybridir.train.validation import validation_loss

QUERY_PREFIX = "Query: "
PASSAGE_PREFIX = "Passage: "


def build_encoder(model: str, pooling: str = "mean", max_length: int = 256) -> SentenceTransformer:
    """A SentenceTransformer of a Hub or local encoder with the given pooling and E5-style prompts."""
    transformer = Transformer(model, max_seq_length=max_length)
    pool = Pooling(transformer.get_embedding_dimension(), pooling_mode=pooling)
    return SentenceTransformer(modules=[transformer, pool], prompts={"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX})


def save_model(model: SentenceTransformer, output: Path) -> None:
    """Save a model directory atomically: into a sibling, then swapped in."""
    with atomic_write(output, directory=True) as partial:
        model.save(str(partial))


class Trainer:
    """Trains one (encoder, strategy, alpha, seed) run; see the module docstring."""

    def __init__(
        self,
        model: str,
        corpus: pd.DataFrame,
        languages: Sequence[str],
        options: TrainingOptions,
        validation: pd.DataFrame | None = None,
    ):
        self.options = options
        self.rank, self.world = init_distributed()
        self.device = local_device()
        torch.manual_seed(options.seed)
        self.model = build_encoder(model, options.pooling, options.max_passage_length).to(self.device)
        self.embed = TextEmbedder(self.model, self.device, options.bf16)
        settings = (options.temperature, options.max_query_length, options.max_passage_length)
        self.loss = (
            CachedInfoNCE(self.embed, *settings, options.cache_chunk)
            if options.cached
            else TextInfoNCE(self.embed, *settings)
        )
        self.corpus = corpus.reset_index(drop=True)
        self.questions = self.corpus["question"].to_numpy()
        self.passages = self.corpus["passage"].to_numpy()
        self.negatives = self.corpus["negative_passages"].to_numpy()
        sampler = make_sampler(options.strategy, CorpusIndex(self.corpus), languages, options.batch_size, options.alpha)
        self.batches = schedule(sampler, options.steps, options.seed)
        self.validation = validation
        self.optimizer = torch.optim.AdamW(
            self.model.parameters(), lr=options.learning_rate, weight_decay=options.weight_decay, fused=True
        )
        self.scheduler = get_linear_schedule_with_warmup(
            self.optimizer, math.ceil(options.warmup_ratio * options.steps), options.steps
        )
        self.step = 0

    def texts(self, batch: Batch) -> tuple[list[str], list[str], list[str]]:
        """This process's queries, passages and hard negatives of a batch, with prefixes."""
        usable = len(batch.pairs) - len(batch.pairs) % self.world
        share = usable // self.world
        mine = batch.pairs[self.rank * share : (self.rank + 1) * share]
        hard = [self.negatives[p][0] for _, p in mine if self.options.hard_negatives and len(self.negatives[p])]
        return (
            [QUERY_PREFIX + self.questions[q] for q, _ in mine],
            [PASSAGE_PREFIX + self.passages[p] for _, p in mine],
            [PASSAGE_PREFIX + text for text in hard],
        )

    def train_step(self, batch: Batch) -> float:
        """One optimizer step on a batch; the loss averaged over processes."""
        self.model.train()
        loss = self.loss(*self.texts(batch))
        loss.backward()
        average_gradients(self.model)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return mean_across(loss.detach())

    def validate(self) -> float:
        return validation_loss(
            self.embed, self.loss.info_nce, self.validation, self.options, QUERY_PREFIX, PASSAGE_PREFIX
        )

    def state_dict(self, callbacks: dict[str, Any]) -> dict[str, Any]:
        return {
            "step": self.step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng": random_state(),
            "callbacks": {name: callback.state_dict() for name, callback in callbacks.items()},
            "options": asdict(self.options),
            "corpus_rows": len(self.corpus),
        }

    def load_state_dict(self, state: dict[str, Any], callbacks: dict[str, Any], path: Path) -> None:
        """Resume from the state of this same run; one of other options or data is ignored."""
        if state["options"] != asdict(self.options) or state["corpus_rows"] != len(self.corpus):
            logging.warning("ignoring %s: it belongs to a run with other options or data", path)
            return
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        for name, callback in callbacks.items():
            callback.load_state_dict(state["callbacks"][name])
        self.step = state["step"]
        set_random_state(state["rng"])
        logging.info("resumed from %s at step %d", path, self.step)

    def save_if_first(self, output: Path) -> None:
        if self.rank == 0:
            save_model(self.model, output)

    def fit(self, output: str | Path, checkpoint: str | Path, tensorboard: str | Path | None = None) -> pd.DataFrame:
        """Train, then save the model of the lowest validation loss (or the last one) to `output`;
        resume from `checkpoint` if it exists. Returns the training log."""
        output, checkpoint = Path(output), Path(checkpoint)
        saver = Checkpoint(checkpoint, self.options.checkpoint_steps, self.rank)
        stopping = EarlyStopping(
            self.options.patience, checkpoint.with_name(f"{checkpoint.stem}-best-model"), self.save_if_first
        )
        log = TrainingLog(tensorboard, self.rank)
        callbacks = {"early_stopping": stopping, "log": log}
        state = saver.load(self.device)
        if state is not None:
            self.load_state_dict(state, callbacks, checkpoint)
        bar = tqdm(total=self.options.steps, initial=self.step, desc="train", unit=" step", disable=self.rank != 0)
        while self.step < self.options.steps and not stopping.should_stop:
            batch = self.batches[self.step]
            started = time.perf_counter()
            loss = self.train_step(batch)
            self.step += 1
            row = {
                "step": self.step,
                "loss": loss,
                "val_loss": None,
                "lr": self.scheduler.get_last_lr()[0],
                "kind": batch.kind,
                "dataset": batch.dataset,
                "lang": batch.lang,
                "pairs": len(batch.pairs),
                "seconds": time.perf_counter() - started,
            }
            if self.validation is not None and (
                self.step % self.options.eval_steps == 0 or self.step == self.options.steps
            ):
                row["val_loss"] = self.validate()
                stopping.update(row["val_loss"])
            log.append(row)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}", kind=batch.kind)
            if saver.due(self.step):
                saver.save(self.state_dict(callbacks))
        bar.close()
        if self.rank == 0:
            self.keep_final(output, stopping.best_model)
            saver.remove()
        log.close()
        return log.frame()

    def keep_final(self, output: Path, best: Path) -> None:
        """The best model moved to `output`, or the current one saved there without validation."""
        if self.validation is None or not best.exists():
            save_model(self.model, output)
        else:
            shutil.rmtree(output, ignore_errors=True)
            best.rename(output)
