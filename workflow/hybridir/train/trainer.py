"""Hybrid-batch training of a shared-weight dual encoder (one process, or several under torchrun).

Each step takes its batch from a seeded schedule (hybridir.train.samplers), so every process
agrees on it and takes an equal slice; passages and hard negatives are gathered across processes
for the InfoNCE loss, and gradients are averaged. The optional cached loss (GradCache) embeds
the batch in chunks without gradients, takes the loss gradient with respect to the embeddings,
then replays each chunk with the same random state and back-propagates through it, so a large
batch fits in the memory of a chunk. Checkpoints hold weights, optimizer, schedule position and
random states, so a resumed run ends at the same weights as an uninterrupted one.
"""

import logging
import math
import os
import shutil
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import torch
import torch.distributed as dist
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from sentence_transformers.util import batch_to_device
from torch.utils.tensorboard import SummaryWriter
from tqdm import tqdm
from transformers import get_linear_schedule_with_warmup

from hybridir.atomic import atomic_write
from hybridir.train.loss import InfoNCE, distributed
from hybridir.train.options import TrainingOptions
from hybridir.train.samplers import Batch, CorpusIndex, make_sampler, schedule

QUERY_PREFIX = "Query: "
PASSAGE_PREFIX = "Passage: "
LOG_COLUMNS = ["step", "loss", "val_loss", "lr", "kind", "dataset", "lang", "pairs", "seconds"]


def build_encoder(model: str, pooling: str = "mean", max_length: int = 256) -> SentenceTransformer:
    """A SentenceTransformer of a Hub or local encoder with the given pooling and E5-style prompts."""
    transformer = Transformer(model, max_seq_length=max_length)
    pool = Pooling(transformer.get_embedding_dimension(), pooling_mode=pooling)
    return SentenceTransformer(modules=[transformer, pool], prompts={"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX})


def local_device() -> torch.device:
    """This process's GPU (torchrun's LOCAL_RANK), made current, or the CPU."""
    if not torch.cuda.is_available():
        return torch.device("cpu")
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    torch.cuda.set_device(device)
    return device


def init_distributed() -> tuple[int, int]:
    """(rank, world size); starts the process group when torchrun launched several processes."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        local_device()
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def rng_state() -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The CPU and CUDA random states (dropout masks depend on them)."""
    return torch.get_rng_state(), torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []


def set_rng_state(state: tuple[torch.Tensor, list[torch.Tensor]]) -> None:
    torch.set_rng_state(state[0])
    if state[1]:
        torch.cuda.set_rng_state_all(state[1])


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
        self.loss = InfoNCE(options.temperature)
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
        self.best = math.inf
        self.stale = 0
        self.log: list[dict[str, Any]] = []

    # --- texts and embeddings -------------------------------------------------------------

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

    def embed(self, texts: list[str], max_length: int) -> torch.Tensor:
        if not texts:
            return torch.zeros(0, self.model.get_embedding_dimension(), device=self.device)
        self.model[0].max_seq_length = max_length
        features = batch_to_device(self.model.preprocess(texts), self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast()):
            return self.model(features)["sentence_embedding"].float()

    def autocast(self) -> bool:
        return self.options.bf16 and self.device.type == "cuda"

    # --- one step -------------------------------------------------------------------------

    def backward(self, queries: list[str], passages: list[str], negatives: list[str]) -> torch.Tensor:
        """Loss of one step with gradients accumulated in the model; cached or plain."""
        lengths = (self.options.max_query_length, self.options.max_passage_length, self.options.max_passage_length)
        groups = (queries, passages, negatives)
        if not self.options.cached:
            loss = self.loss(*(self.embed(t, n) for t, n in zip(groups, lengths, strict=True)))
            loss.backward()
            return loss.detach()
        chunks = [
            (texts[i : i + self.options.cache_chunk], n, g)
            for g, (texts, n) in enumerate(zip(groups, lengths, strict=True))
            for i in range(0, len(texts), self.options.cache_chunk)
        ]
        states, cached = [], [[] for _ in groups]
        with torch.no_grad():
            for texts, length, group in chunks:
                states.append(rng_state())
                cached[group].append(self.embed(texts, length))
        leaves = [(torch.cat(c) if c else self.embed([], 0)).detach().requires_grad_() for c in cached]
        loss = self.loss(*leaves)
        loss.backward()
        offsets = [0, 0, 0]
        for (texts, length, group), state in zip(chunks, states, strict=True):
            set_rng_state(state)
            grad = leaves[group].grad[offsets[group] : offsets[group] + len(texts)]
            offsets[group] += len(texts)
            self.embed(texts, length).backward(grad)
        return loss.detach()

    def average_gradients(self) -> None:
        if distributed():
            for parameter in self.model.parameters():
                if parameter.grad is not None:
                    dist.all_reduce(parameter.grad)
                    parameter.grad /= self.world

    def mean_across(self, value: torch.Tensor) -> float:
        if distributed():
            value = value.clone()
            dist.all_reduce(value)
            value /= self.world
        return float(value)

    def train_step(self, batch: Batch) -> float:
        self.model.train()
        loss = self.backward(*self.texts(batch))
        self.average_gradients()
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        return self.mean_across(loss)

    # --- validation -----------------------------------------------------------------------

    @torch.no_grad()
    def validation_loss(self) -> float:
        """Mean InfoNCE over fixed in-order batches of the validation pairs (no hard negatives)."""
        self.model.eval()
        losses = []
        frame, size = self.validation, self.options.batch_size
        for start in range(0, len(frame), size):
            part = frame.iloc[start : start + size]
            queries = self.embed([QUERY_PREFIX + q for q in part["question"]], self.options.max_query_length)
            passages = self.embed([PASSAGE_PREFIX + p for p in part["passage"]], self.options.max_passage_length)
            losses.append(float(self.loss(queries, passages, passages[:0], gather=False)) * len(part))
        return sum(losses) / len(frame)

    # --- checkpoints ----------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "best": self.best,
            "stale": self.stale,
            "log": self.log,
            "rng": rng_state(),
            "options": self.options,
            "corpus_rows": len(self.corpus),
        }

    def save_checkpoint(self, path: Path) -> None:
        """Write the checkpoint atomically (process 0), then wait for every process."""
        if self.rank == 0:
            with atomic_write(path) as partial:
                torch.save(self.state(), partial)
        if distributed():
            dist.barrier()

    def load_checkpoint(self, path: Path) -> None:
        """Resume from a checkpoint of this same run; one of other options or data is ignored."""
        state = torch.load(path, map_location=self.device, weights_only=False)
        if state["options"] != self.options or state["corpus_rows"] != len(self.corpus):
            logging.warning("ignoring %s: it belongs to a run with other options or data", path)
            return
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.step, self.best, self.stale, self.log = state["step"], state["best"], state["stale"], state["log"]
        set_rng_state(state["rng"])
        logging.info("resumed from %s at step %d", path, self.step)

    # --- the loop -------------------------------------------------------------------------

    def fit(self, output: str | Path, checkpoint: str | Path, tensorboard: str | Path | None = None) -> pd.DataFrame:
        """Train, then save the model of the lowest validation loss (or the last one) to `output`;
        resume from `checkpoint` if it exists. Returns the training log."""
        output, checkpoint = Path(output), Path(checkpoint)
        best = checkpoint.with_name(f"{checkpoint.stem}-best-model")
        if checkpoint.exists():
            self.load_checkpoint(checkpoint)
        writer = SummaryWriter(str(tensorboard)) if tensorboard and self.rank == 0 else None
        kinds = Counter(b.kind for b in self.batches[: self.step])
        bar = tqdm(total=self.options.steps, initial=self.step, desc="train", unit=" step", disable=self.rank != 0)
        while self.step < self.options.steps and self.stale < self.options.patience:
            batch = self.batches[self.step]
            started = time.perf_counter()
            loss = self.train_step(batch)
            self.step += 1
            kinds[batch.kind] += 1
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
                row["val_loss"] = self.validation_loss()
                self.keep_if_best(row["val_loss"], best)
            self.log.append(row)
            if writer:
                self.write_scalars(writer, row, kinds)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}", kind=batch.kind)
            if self.step % self.options.checkpoint_steps == 0:
                self.save_checkpoint(checkpoint)
        bar.close()
        if self.rank == 0:
            if self.validation is None or not best.exists():
                save_model(self.model, output)
            else:
                shutil.rmtree(output, ignore_errors=True)
                best.rename(output)
            checkpoint.unlink(missing_ok=True)
        if writer:
            writer.close()
        return pd.DataFrame(self.log, columns=LOG_COLUMNS)

    def keep_if_best(self, val_loss: float, output: Path) -> None:
        """Save the model to `output` if its validation loss is the lowest so far (the best model
        lives beside the checkpoint until the end, so a resumed run still has it)."""
        if val_loss < self.best:
            self.best, self.stale = val_loss, 0
            if self.rank == 0:
                save_model(self.model, output)
        else:
            self.stale += 1

    def write_scalars(self, writer: SummaryWriter, row: Mapping[str, Any], kinds: Counter) -> None:
        writer.add_scalar("loss/train", row["loss"], row["step"])
        writer.add_scalar("lr", row["lr"], row["step"])
        for kind in ("x_x", "x_y"):
            writer.add_scalar(f"batches/{kind}", kinds[kind], row["step"])
        if row["val_loss"] is not None:
            writer.add_scalar("loss/validation", row["val_loss"], row["step"])
