"""Encode a benchmark's queries and candidates once per model, into float32 `.npy` files.

Each distinct text is encoded once (a text shared by several rows is looked up, not re-encoded),
in length-sorted blocks, with unit-normalised embeddings so that inner product is cosine
similarity. Queries and candidates take the model's `query` and `passage` prompts where the
model defines them (every model trained by hybridir does); a zero-shot encoder without prompts
sees the bare text. Rows of the output files follow the rows of the fetched tables; each file is
written block by block into a memory map (so a corpus larger than memory streams to disk) and
renamed into place when complete.
"""

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
import torch
from sentence_transformers import SentenceTransformer
from tqdm import tqdm

from hybridir import encoders
from hybridir.atomic import atomic_write

QUERY_PROMPT = "query"
PASSAGE_PROMPT = "passage"


@dataclass(frozen=True)
class EncodingOptions:
    """Settings of config `evaluation` that change embeddings."""

    batch_size: int = 128
    candidate_context: bool = True
    max_length: int | None = None
    block: int = 4096

    @classmethod
    def from_config(cls, evaluation: dict[str, Any]) -> "EncodingOptions":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in evaluation.items() if k in known})


def load_encoder(model: str | encoders.EncoderSpec, max_length: int | None = None) -> SentenceTransformer:
    """A Hub or local encoder (loaded by hybridir.encoders, as the trainer loads it) on the GPU
    when there is one."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    spec = model if isinstance(model, encoders.EncoderSpec) else encoders.EncoderSpec(model)
    encoder = encoders.load_encoder(spec, device)
    if max_length is not None:
        encoder.max_seq_length = max_length
    encoder.eval()
    return encoder


def prompt_of(encoder: SentenceTransformer, name: str) -> str | None:
    """`name` if the encoder defines that prompt, else None (bare text)."""
    return name if name in encoder.prompts else None


def candidate_texts(candidates: pd.DataFrame, benchmark_format: str, with_context: bool) -> list[str]:
    """Text to encode per candidate: the sentence followed by its paragraph (lareqa, mlqa; LAReQA's
    protocol, the sentence first so that truncation keeps it), the title before the passage
    (miracl), or the bare text when `with_context` is off or a candidate has no context."""
    texts = candidates["text"].tolist()
    if not with_context:
        return texts
    contexts = [None if pd.isna(context) or not context else context for context in candidates["context"]]
    if benchmark_format == "miracl":
        return [text if context is None else f"{context} {text}" for text, context in zip(texts, contexts, strict=True)]
    return [text if context is None else f"{text} {context}" for text, context in zip(texts, contexts, strict=True)]


def unique_texts(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Distinct texts sorted by length (so each batch pads little), and each row's index into them."""
    distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    order = np.argsort([len(text) for text in distinct], kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return [distinct[i] for i in order], position[inverse]


def encode_to_file(
    encoder: SentenceTransformer,
    texts: Sequence[str],
    prompt: str | None,
    options: EncodingOptions,
    path: str | os.PathLike,
    desc: str,
) -> None:
    """Write unit-normalised float32 embeddings of `texts` (row i for texts[i]) to an .npy file,
    atomically; each distinct text is encoded once, block by block, straight into the file."""
    distinct, index = unique_texts(texts)
    rows = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[rows], np.arange(0, len(distinct) + options.block, options.block))
    logging.info("%s: %d texts, %d distinct", desc, len(texts), len(distinct))
    with atomic_write(path) as tmp:
        shape = (len(texts), encoder.get_embedding_dimension())
        output = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32, shape=shape)
        with tqdm(total=len(distinct), desc=desc, unit=" texts") as bar:
            for block, start in enumerate(range(0, len(distinct), options.block)):
                part = distinct[start : start + options.block]
                vectors = encoder.encode(
                    part,
                    prompt_name=prompt,
                    batch_size=options.batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                targets = rows[bounds[block] : bounds[block + 1]]
                output[targets] = vectors[index[targets] - start]
                bar.update(len(part))
        output.flush()
        del output


def encode_benchmark(
    model: str | encoders.EncoderSpec,
    queries: pd.DataFrame,
    candidates: pd.DataFrame,
    benchmark_format: str,
    options: EncodingOptions,
    output: Mapping[str, str | os.PathLike],
) -> None:
    """Encode one benchmark with one model into output["queries"] and output["candidates"]."""
    encoder = load_encoder(model, options.max_length)
    query_prompt, passage_prompt = prompt_of(encoder, QUERY_PROMPT), prompt_of(encoder, PASSAGE_PROMPT)
    encode_to_file(encoder, queries["text"].tolist(), query_prompt, options, output["queries"], "encode queries")
    texts = candidate_texts(candidates, benchmark_format, options.candidate_context)
    encode_to_file(encoder, texts, passage_prompt, options, output["candidates"], "encode candidates")
