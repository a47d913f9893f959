"""Hybrid-batch training of a shared-weight dual encoder (one process, or several under torchrun).

The encoder is loaded by hybridir.encoders (the same function as for zero-shot evaluation), so a
trained model has the architecture of the untrained one. Each step takes its batch from a seeded
schedule (hybridir.train.samplers), so every process agrees on it and takes an equal slice
(hybridir.train.batches); the loss (hybridir.train.loss, or its GradCache form in
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
from tqdm import tqdm
from transformers import get_scheduler

from hybridir.atomic import atomic_write
from hybridir.devices import resolve_device
from hybridir.encoders import EncoderSpec, load_encoder, set_dropout
from hybridir.torch_devices import torch_cuda
from hybridir.train.batches import BatchTexts, StepTexts
from hybridir.train.cached import CachedInfoNCE
from hybridir.train.callbacks import Checkpoint, EarlyStopping, TrainingLog
from hybridir.train.distributed import average_gradients, init_distributed, local_device, mean_across
from hybridir.train.embed import TextEmbedder
from hybridir.train.index import CorpusIndex
from hybridir.train.loss import TextInfoNCE, validation_loss
from hybridir.train.options import TrainingOptions
from hybridir.train.rng import random_state, set_random_state
from hybridir.train.samplers import check_batch_size, make_sampler, schedule

SCHEDULES = {"constant": "constant_with_warmup", "linear": "linear", "cosine": "cosine"}


def save_model(model: SentenceTransformer, output: Path) -> None:
    """Save a model directory atomically: into a sibling, then swapped in."""
    with atomic_write(output, directory=True) as partial:
        model.save(str(partial))


def training_encoder(encoder: EncoderSpec, options: TrainingOptions, device: torch.device) -> SentenceTransformer:
    """The encoder to train, with the training prefixes as its query / passage prompts (so they
    are saved with it) and the dropout of `options.dropout` where set."""
    model = load_encoder(encoder, str(device))
    model.prompts = {**model.prompts, "query": options.query_prefix, "passage": options.passage_prefix}
    if options.dropout is not None:
        layers = set_dropout(model, options.dropout)
        logging.info("dropout %g in %d dropout layers", options.dropout, layers)
    return model


def parameter_groups(model: torch.nn.Module, weight_decay: float, decay_exclude: bool) -> list[dict[str, Any]]:
    """AdamW's parameter groups: every parameter with `weight_decay`, or, with `decay_exclude`, the
    biases and the weights of normalisation layers (a module whose class name holds "Norm") in a
    group without it."""
    undecayed = {
        id(param)
        for module in model.modules()
        for name, param in module.named_parameters(recurse=False)
        if decay_exclude and (name == "bias" or "norm" in type(module).__name__.lower())
    }
    params = list(model.parameters())
    decayed = [p for p in params if id(p) not in undecayed]
    kept = [p for p in params if id(p) in undecayed]
    logging.info("weight decay %g on %d parameter tensors, none on %d", weight_decay, len(decayed), len(kept))
    groups = [{"params": decayed, "weight_decay": weight_decay}, {"params": kept, "weight_decay": 0.0}]
    return [group for group in groups if group["params"]]


def training_loss(embed: TextEmbedder, options: TrainingOptions) -> TextInfoNCE:
    """The loss of `options`: InfoNCE, with GradCache when `options.cached`."""
    settings = {
        "temperature": options.temperature,
        "query_length": options.max_query_length,
        "passage_length": options.max_passage_length,
    }
    if options.cached:
        return CachedInfoNCE(embed, chunk=options.cache_chunk, **settings)
    return TextInfoNCE(embed, **settings)


class Trainer:
    """Trains one (encoder, strategy, alpha, seed) run; see the module docstring."""

    def __init__(
        self,
        *,
        encoder: EncoderSpec,
        corpus: pd.DataFrame,
        languages: Sequence[str],
        options: TrainingOptions,
        validation: pd.DataFrame | None = None,
        device: str = "auto",
    ):
        self.options = options
        kind = resolve_device(device, "training.device", torch_cuda)
        self.rank, self.world = init_distributed(kind)
        self.device = local_device(kind)
        torch.manual_seed(options.seed)
        self.model = training_encoder(encoder, options, self.device)
        self.embed = TextEmbedder(self.model, self.device, options.bf16)
        self.loss = training_loss(self.embed, options)
        corpus = corpus.reset_index(drop=True)
        self.corpus_rows = len(corpus)
        self.texts = BatchTexts(corpus, options, self.rank, self.world)
        index = CorpusIndex(corpus, languages)
        check_batch_size(index, options.batch_size)
        sampler = make_sampler(index, languages, options)
        self.batches = schedule(sampler, options.steps, options.seed)
        self.validation = validation
        groups = parameter_groups(self.model, options.weight_decay, options.decay_exclude)
        self.optimizer = torch.optim.AdamW(groups, lr=options.learning_rate, fused=True)
        clipping = f"clipped to a total norm of {options.max_grad_norm:g}" if options.max_grad_norm else "not clipped"
        logging.info("AdamW, learning rate %g; gradients %s", options.learning_rate, clipping)
        warmup = math.ceil(options.warmup_ratio * options.steps)
        self.scheduler = get_scheduler(SCHEDULES[options.lr_schedule], self.optimizer, warmup, options.steps)
        self.step = 0

    def train_step(self, texts: StepTexts) -> float:
        """One optimizer step on a batch's texts (gradients averaged over processes, then clipped
        to `max_grad_norm`); the loss averaged over processes."""
        self.model.train()
        loss = self.loss(texts.queries, texts.passages, texts.negatives)
        loss.backward()
        average_gradients(self.model)
        if self.options.max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.options.max_grad_norm)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return mean_across(loss.detach())

    def validate(self) -> float:
        self.model.eval()
        return validation_loss(self.loss, self.validation, self.options.query_prefix, self.options.passage_prefix)

    def state_dict(self, callbacks: dict[str, Any]) -> dict[str, Any]:
        """Everything a resumed run needs, as tensors and plain values (loadable with weights_only)."""
        return {
            "step": self.step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "rng": random_state(),
            "callbacks": {name: callback.state_dict() for name, callback in callbacks.items()},
            "options": asdict(self.options),
            "corpus_rows": self.corpus_rows,
        }

    def load_state_dict(self, state: dict[str, Any], callbacks: dict[str, Any], path: Path) -> None:
        """Resume from the state of this same run; one of other options or data is ignored."""
        if state["options"] != asdict(self.options) or state["corpus_rows"] != self.corpus_rows:
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
        best = checkpoint.with_name(f"{checkpoint.stem}-best-model")
        stopping = EarlyStopping(self.options.patience, best, self.save_if_first)
        log = TrainingLog(tensorboard, self.rank)
        callbacks = {"early_stopping": stopping, "log": log}
        state = saver.load(self.device)
        if state is not None:
            self.load_state_dict(state, callbacks, checkpoint)
        bar = tqdm(total=self.options.steps, initial=self.step, desc="train", unit=" step", disable=self.rank != 0)
        while self.step < self.options.steps and not stopping.should_stop:
            batch, started = self.batches[self.step], time.perf_counter()
            texts = self.texts(batch)
            loss = self.train_step(texts)
            self.step += 1
            row = log.row(self.step, loss, self.scheduler.get_last_lr()[0], batch, texts, started)
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
            self.keep_final(output, best)
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
