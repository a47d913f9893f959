"""Which texts to translate, which shard translates each, and the flag ledger of the results.

A text belongs to the first dataset (in config order) that contains it, so a text shared by two
datasets is translated once; within a dataset, texts are dealt to shards by their content id.
Only the hard negatives that training reads (the first `negatives` of each pair) are translated.
This module needs pandas only: the rules that choose texts and gather results never load the
translation engine.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd


def qa_texts(qa: pd.DataFrame, negatives: int) -> pd.DataFrame:
    """Every (text_id, text) of a `qa` table: questions, passages and each pair's first `negatives`
    hard negatives."""
    firsts = qa[["negative_passage_ids", "negative_passages"]].map(lambda values: values[:negatives])
    hard = firsts.explode(["negative_passage_ids", "negative_passages"]).dropna().set_axis(["text_id", "text"], axis=1)
    parts = [
        qa[["question_id", "question"]].set_axis(["text_id", "text"], axis=1),
        qa[["passage_id", "passage"]].set_axis(["text_id", "text"], axis=1),
        hard,
    ]
    return pd.concat(parts, ignore_index=True).drop_duplicates("text_id")


def owned_texts(qa: pd.DataFrame, earlier: Sequence[pd.DataFrame], lang: str, negatives: int) -> pd.DataFrame:
    """The `texts` of a dataset that no earlier dataset has, sorted by id."""
    texts = qa_texts(qa, negatives)
    seen: set[str] = set()
    for frame in earlier:
        seen.update(qa_texts(frame, negatives)["text_id"])
    texts = texts[~texts["text_id"].isin(seen)].sort_values("text_id", ignore_index=True)
    return texts.assign(lang=lang)[["text_id", "lang", "text"]]


def shard_of(text_id: str, shards: int) -> int:
    """The shard (0 <= shard < shards) that translates a text, from its content id."""
    return int(text_id, 16) % shards


def select_shard(texts: pd.DataFrame, shard: int, shards: int) -> pd.DataFrame:
    """The texts that one shard translates: none at all is a valid, empty shard."""
    mask = [shard_of(text_id, shards) == shard for text_id in texts["text_id"]]
    return texts[np.array(mask, dtype=bool)].reset_index(drop=True)


def flag_ledger(translations: pd.DataFrame) -> pd.DataFrame:
    """A `translation_ledger`: texts and source characters per flag ('ok' for unflagged texts)."""
    flags = translations["flags"].map(lambda f: list(f) or ["ok"])
    exploded = translations.assign(flag=flags).explode("flag")
    ledger = exploded.groupby(["lang", "flag"], as_index=False).agg(
        texts=("text_id", "size"), source_chars=("source_chars", "sum")
    )
    return ledger[["lang", "flag", "texts", "source_chars"]]
