"""Encode a benchmark's queries and candidates once per model, into vector folders of shards
(hybridir.evaluate.vectors): row i of the shards, end to end, is row i of the fetched table.

A table is read and encoded in chunks of `shard_rows` rows, one shard each (float16 by default,
`evaluation.vector_dtype`), so memory does not grow with the table (MIRACL's corpus is 57.5M
passages). Within a chunk each distinct text is encoded once: the texts are tokenised once to
count their tokens, sorted longest first and cut into batches of at most `max_batch_tokens`
padded tokens (few long texts per batch, many short ones), each batch of texts of similar
length. Embeddings are unit-normalised in
float32 on the device (inner product = cosine) and copied back once per chunk. On a GPU, inputs
go through pinned memory with non-blocking copies, and the model runs under autocast
(`evaluation.dtype`: auto = bfloat16 where the GPU supports it, else float16) with TF32 matrix
products; on the CPU, auto is float32 (no autocast). Queries and candidates take the model's
`query` and `passage` prompts where the model defines them (every model trained by hybridir does);
a zero-shot encoder without prompts sees the bare text.
"""

import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import torch
from sentence_transformers import SentenceTransformer

from hybridir import encoders
from hybridir.devices import runtime_info
from hybridir.evaluate.options import EncodingOptions
from hybridir.evaluate.vectors import write_vectors
from hybridir.tables import read_table_chunks
from hybridir.torch_devices import to_device

QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"


def load_encoder(
    model: str | encoders.EncoderSpec, max_length: int | None = None, device: str = "cpu"
) -> SentenceTransformer:
    """A Hub or local encoder on `device`, loaded by hybridir.encoders as the trainer loads it;
    texts are cut at `max_length` tokens, never beyond the model's own limit (logged)."""
    spec = model if isinstance(model, encoders.EncoderSpec) else encoders.EncoderSpec(model)
    encoder = encoders.load_encoder(spec, device)
    own = encoder.max_seq_length
    if max_length is not None:
        if own is not None and max_length > own:
            logging.warning(
                "evaluation.max_length %d exceeds %s's limit of %d tokens: texts cut at %d",
                max_length,
                spec.model,
                own,
                own,
            )
        encoder.max_seq_length = min(max_length, own) if own is not None else max_length
    encoder.eval()
    return encoder


def prompt_of(encoder: SentenceTransformer, name: str) -> str | None:
    """`name` if the encoder defines that prompt, else None (bare text)."""
    return name if name in encoder.prompts else None


def compute_dtype(setting: str, device: str) -> str:
    """The dtype the model runs in: `setting`, or for auto bfloat16 on a GPU that supports it
    (else float16) and float32 on the CPU."""
    if setting != "auto":
        return setting
    if device == "cuda":
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "float32"


@contextmanager
def precision(device: str, dtype: str) -> Iterator[None]:
    """Autocast to `dtype` (none for float32) and, on CUDA below float32, TF32 matrix products;
    the previous TF32 setting comes back afterwards."""
    previous = torch.backends.cuda.matmul.fp32_precision
    if device == "cuda" and dtype != "float32":
        torch.backends.cuda.matmul.fp32_precision = "tf32"
    try:
        with torch.autocast(device_type=device, dtype=getattr(torch, dtype), enabled=dtype != "float32"):
            yield
    finally:
        torch.backends.cuda.matmul.fp32_precision = previous


# formats whose candidates are passages with their title as context (read before the passage)
TITLED_FORMATS = ("miracl", "beir")
# Formats whose candidates are encoded as their text alone, whatever `candidate_context`: Mewsli-X
# (XTREME-R's baseline encodes the entity description without its title: utils_mewslix.py,
# preprocess_entity_description); Tatoeba, BUCC and mMARCO candidates have no context.
TEXT_ONLY = ("mewsli_x",)


def candidate_texts(candidates: pd.DataFrame, benchmark_format: str, with_context: bool) -> list[str]:
    """Text to encode per candidate: the sentence followed by its paragraph (lareqa, mlqa; as
    ReQA-style answer encoders see a sentence with its context, the sentence first so that
    truncation keeps it), the title before the passage
    (miracl, beir), or the bare text when `with_context` is off, the format is TEXT_ONLY or a
    candidate has no context."""
    texts = candidates["text"].tolist()
    if not with_context or benchmark_format in TEXT_ONLY:
        return texts
    contexts = [None if pd.isna(context) or not context else context for context in candidates["context"]]
    if benchmark_format in TITLED_FORMATS:
        return [text if context is None else f"{context} {text}" for text, context in zip(texts, contexts, strict=True)]
    return [text if context is None else f"{text} {context}" for text, context in zip(texts, contexts, strict=True)]


def token_counts(encoder: SentenceTransformer, texts: Sequence[str], prompt: str | None) -> np.ndarray:
    """Tokens of each text as the model would see it uncut: with its prompt and special tokens."""
    prefix = encoder.prompts[prompt] if prompt else ""
    encoded = encoder.tokenizer(
        [prefix + text for text in texts] if prefix else list(texts),
        truncation=False,
        verbose=False,  # a text over the model's limit is expected here: it is cut, and counted
        return_length=True,
        return_attention_mask=False,
        return_token_type_ids=False,
    )
    return np.asarray(encoded["length"], dtype=np.int64)


def token_lengths(encoder: SentenceTransformer, texts: Sequence[str], prompt: str | None) -> np.ndarray:
    """Tokens of each text as the model sees it: with its prompt, special tokens, truncated."""
    counts = token_counts(encoder, texts, prompt)
    return counts if encoder.max_seq_length is None else np.minimum(counts, encoder.max_seq_length)


def token_batches(lengths: np.ndarray, max_tokens: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive batches of texts sorted longest first: texts of one length bucket
    (floor(4 log2 length): lengths within a factor 2^(1/4), so padding stays under a fifth), as
    many as fit in `max_tokens` padded tokens (the first text sets the padded length), one at least."""
    buckets = -np.floor(4 * np.log2(np.maximum(lengths, 1)))
    batches, start = [], 0
    while start < len(lengths):
        bucket_end = int(np.searchsorted(buckets, buckets[start], side="right"))
        stop = min(bucket_end, start + max(1, max_tokens // max(1, int(lengths[start]))))
        batches.append((start, stop))
        start = stop
    return batches


def encode_texts(
    encoder: SentenceTransformer, texts: Sequence[str], prompt: str | None, options: EncodingOptions, dtype: str
) -> tuple[np.ndarray, int, int]:
    """Unit-normalised float32 embeddings of `texts` (row i for texts[i]), each distinct text
    encoded once; how many distinct texts there were, and how many of them were cut."""
    device = encoder.device
    distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    vectors = torch.empty((len(distinct), encoder.get_embedding_dimension()), device=device)
    position = np.zeros(len(distinct), dtype=np.int64)
    cut = 0
    if len(distinct):
        counts = token_counts(encoder, distinct.tolist(), prompt)
        lengths = counts if encoder.max_seq_length is None else np.minimum(counts, encoder.max_seq_length)
        cut = int((counts > lengths).sum())
        order = np.argsort(-lengths, kind="stable")
        position[order] = np.arange(len(order))
        ordered = distinct[order].tolist()
        prompt_text = encoder.prompts[prompt] if prompt else None
        with torch.inference_mode(), precision(device.type, dtype):
            for start, stop in token_batches(lengths[order], options.max_batch_tokens):
                features = encoder.preprocess(ordered[start:stop], prompt=prompt_text)
                features = {k: to_device(v, str(device)) if torch.is_tensor(v) else v for k, v in features.items()}
                embedded = encoder(features)["sentence_embedding"]
                vectors[start:stop] = torch.nn.functional.normalize(embedded.float(), dim=1)
    return vectors.cpu().numpy()[position[inverse.reshape(-1)]], len(distinct), cut


def encode_table(
    encoder: SentenceTransformer,
    chunks: Iterable[Sequence[str]],
    prompt: str | None,
    options: EncodingOptions,
    path: str | os.PathLike,
    desc: str,
    runtime: Mapping[str, Any],
) -> dict[str, int]:
    """Encode each chunk of a table's texts into the next shard of a vector folder at `path`; the
    counts of its texts (rows, distinct texts, distinct texts cut at the model's maximum length)."""
    dtype = runtime["dtype"]
    counts = {"texts": 0, "distinct": 0, "cut": 0}

    def shards() -> Iterator[np.ndarray]:
        first = 0
        for texts in chunks:
            started = time.perf_counter()
            vectors, distinct, cut = encode_texts(encoder, texts, prompt, options, dtype)
            counts.update(texts=counts["texts"] + len(texts), distinct=counts["distinct"] + distinct)
            counts["cut"] += cut
            seconds = time.perf_counter() - started
            logging.info(
                "%s: rows %d-%d: %d texts, %d distinct, %.0f texts/s",
                desc, first, first + len(texts) - 1, len(texts), distinct, distinct / max(seconds, 1e-9),
            )  # fmt: skip
            first += len(texts)
            yield vectors.astype(options.vector_dtype)

    rows = write_vectors(path, shards(), encoder.get_embedding_dimension(), runtime)
    logging.info("%s: %d vectors (%s) written to %s", desc, rows, options.vector_dtype, path)
    logging.info(
        "%s: %d of %d distinct texts longer than %s tokens, cut there (evaluation.max_length)",
        desc, counts["cut"], counts["distinct"], encoder.max_seq_length,
    )  # fmt: skip
    return counts | {"max_length": encoder.max_seq_length}


def encode_benchmark(
    model: str | encoders.EncoderSpec,
    tables: Mapping[str, str | os.PathLike],
    benchmark_format: str,
    options: EncodingOptions,
    output: Mapping[str, str | os.PathLike],
    device: str = "cpu",
) -> pd.DataFrame:
    """Encode one benchmark (the `queries` and `candidates` tables of `tables`) with one model
    into the vector folders output["queries"] and output["candidates"]; returns a `text_lengths`
    table (texts of each, and how many were cut)."""
    encoder = load_encoder(model, options.max_length, device)
    runtime = runtime_info(device, compute_dtype(options.dtype, device)) | {"vector_dtype": options.vector_dtype}
    queries = read_table_chunks(tables["queries"], "queries", ["text"], options.shard_rows)
    texts = (chunk["text"].tolist() for chunk in queries)
    prompt = prompt_of(encoder, QUERY_PROMPT)
    counts = {"queries": encode_table(encoder, texts, prompt, options, output["queries"], "encode queries", runtime)}
    candidates = read_table_chunks(tables["candidates"], "candidates", ["text", "context"], options.shard_rows)
    texts = (candidate_texts(chunk, benchmark_format, options.candidate_context) for chunk in candidates)
    prompt = prompt_of(encoder, PASSAGE_PROMPT)
    counts["candidates"] = encode_table(
        encoder, texts, prompt, options, output["candidates"], "encode candidates", runtime
    )
    return pd.DataFrame([{"table": table} | found for table, found in counts.items()])
