"""Which texts to translate, and translating them: each unique text once, sentence by sentence.

A text belongs to the first dataset (in config order) that contains it, so a text shared by two
datasets is translated once; within a dataset, texts are dealt to shards by their content id.
Texts are split into sentences and every unique sentence reaches the translator exactly once.
"""

from collections.abc import Sequence

import pandas as pd

from hybridir.sentences import sentence_spans
from hybridir.translate.engine import DEFAULT_DECODING, SEPARATORS, DecodingOptions, NllbTranslator, progress_bar


def qa_texts(qa: pd.DataFrame) -> pd.DataFrame:
    """Every (text_id, text) of a `qa` table: questions, passages and hard negatives."""
    negatives = qa[["negative_passage_ids", "negative_passages"]].explode(["negative_passage_ids", "negative_passages"])
    negatives = negatives.dropna().set_axis(["text_id", "text"], axis=1)
    parts = [
        qa[["question_id", "question"]].set_axis(["text_id", "text"], axis=1),
        qa[["passage_id", "passage"]].set_axis(["text_id", "text"], axis=1),
        negatives,
    ]
    return pd.concat(parts, ignore_index=True).drop_duplicates("text_id")


def owned_texts(qa: pd.DataFrame, earlier: Sequence[pd.DataFrame], lang: str) -> pd.DataFrame:
    """The `texts` of a dataset that no earlier dataset has, sorted by id."""
    texts = qa_texts(qa)
    seen: set[str] = set()
    for frame in earlier:
        seen.update(qa_texts(frame)["text_id"])
    texts = texts[~texts["text_id"].isin(seen)].sort_values("text_id", ignore_index=True)
    return texts.assign(lang=lang)[["text_id", "lang", "text"]]


def shard_of(text_id: str, shards: int) -> int:
    """The shard (0 <= shard < shards) that translates a text, from its content id."""
    return int(text_id, 16) % shards


def select_shard(texts: pd.DataFrame, shard: int, shards: int) -> pd.DataFrame:
    mask = texts["text_id"].map(lambda text_id: shard_of(text_id, shards) == shard)
    return texts[mask].reset_index(drop=True)


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
    unique = list(dict.fromkeys(s for text in sentences for s in text))
    with progress_bar(len(unique), f"translate {source}->{target}") as bar:
        translated = dict(zip(unique, translator.translate(unique, source, target, options, bar.update), strict=True))
    separator = SEPARATORS.get(target, " ")
    rows = []
    for text_id, text, parts in zip(texts["text_id"], texts["text"], sentences, strict=True):
        outputs = [translated[s] for s in parts]
        flags = set().union(*(o.flags for o in outputs)) if parts else {"empty_source"}
        rows.append(
            {
                "text_id": text_id,
                "lang": target,
                "text": separator.join(o.text for o in outputs if o.text),
                "source_chars": len(text),
                "sentences": len(parts),
                "flags": sorted(flags),
            }
        )
    return pd.DataFrame(rows, columns=["text_id", "lang", "text", "source_chars", "sentences", "flags"])


def flag_ledger(translations: pd.DataFrame) -> pd.DataFrame:
    """A `translation_ledger`: texts and source characters per flag ('ok' for unflagged texts)."""
    flags = translations["flags"].map(lambda f: list(f) or ["ok"])
    exploded = translations.assign(flag=flags).explode("flag")
    ledger = exploded.groupby(["lang", "flag"], as_index=False).agg(
        texts=("text_id", "size"), source_chars=("source_chars", "sum")
    )
    return ledger[["lang", "flag", "texts", "source_chars"]]
