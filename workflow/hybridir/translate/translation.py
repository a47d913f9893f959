"""Translating texts sentence by sentence: every unique sentence reaches the engine exactly once.

Texts are split into sentences (hybridir.sentences), the unique sentences are translated in one
call, and each text is re-joined from its sentences' translations, with the union of their flags.
"""

import logging
from itertools import chain

import numpy as np
import pandas as pd

from hybridir.sentences import sentence_spans
from hybridir.translate.engine import DEFAULT_DECODING, FLAGS, DecodingOptions, NllbTranslator, flag_names, progress_bar

SEPARATORS = {"zh": "", "ja": "", "th": " "}
FLAG_LISTS = [flag_names(mask) for mask in range(1 << len(FLAGS))]
COLUMNS = ["text_id", "lang", "text", "source_chars", "sentences", "flags"]


def split_texts(texts: pd.Series, lang: str) -> list[list[str]]:
    """Each text as its list of sentences (an empty text has none)."""
    return [[text[s:e] for s, e in sentence_spans(text, lang)] for text in texts]


def translate_texts(
    texts: pd.DataFrame,
    translator: NllbTranslator,
    source: str,
    target: str,
    options: DecodingOptions = DEFAULT_DECODING,
) -> pd.DataFrame:
    """A `translations` table: each text translated sentence by sentence, re-joined, flagged."""
    sentences = split_texts(texts["text"], source)
    counts = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    codes, unique = pd.factorize(pd.Series(list(chain.from_iterable(sentences)), dtype=object))
    with progress_bar(len(unique), f"translate {source}->{target}") as bar:
        result = translator.translate(list(unique), source, target, options, bar.update)
    outputs = np.array(result.texts, dtype=object)[codes]
    ends = np.cumsum(counts)
    starts = ends - counts
    separator = SEPARATORS.get(target, " ")
    joined = [separator.join(filter(None, outputs[s:e])) for s, e in zip(starts, ends, strict=True)]
    masks = np.zeros(len(counts), dtype=np.uint8)
    if len(codes):
        masks[counts > 0] = np.bitwise_or.reduceat(result.flags[codes], starts[counts > 0])
    flags = [list(FLAG_LISTS[mask]) if count else ["empty_source"] for mask, count in zip(masks, counts, strict=True)]
    table = {
        "text_id": pd.Series(texts["text_id"].to_numpy(), dtype=object),
        "lang": target,
        "text": pd.Series(joined, dtype=object),
        "source_chars": np.fromiter(map(len, texts["text"]), dtype=np.int64, count=len(texts)),
        "sentences": counts,
        "flags": pd.Series(flags, dtype=object),  # object even when empty: an empty shard is a valid table
    }
    log_cut_inputs(flags, options.max_input_tokens)
    return pd.DataFrame(table, columns=COLUMNS)


def log_cut_inputs(flags: list[list[str]], limit: int) -> None:
    """How many texts had a sentence cut at the input limit (a warning when any)."""
    cut = sum("truncated_input" in text_flags for text_flags in flags)
    log = logging.warning if cut else logging.info
    log(
        "%d of %d texts had a sentence longer than %d tokens, cut there and flagged truncated_input "
        "(translation.max_input_tokens)",
        cut, len(flags), limit,
    )  # fmt: skip
