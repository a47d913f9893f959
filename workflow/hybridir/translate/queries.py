"""A benchmark's queries in other languages (benchmarks[].translate_queries): which texts the
translation stage translates (the same text selection and engine as the QA datasets' texts, one
table per language), and the benchmark's queries table with the translations added.

A translated query keeps its question id (so the multi-bootstrap resamples a question with all its
languages) and gets the query id <lang>/<question id>; its candidates and judgements are the
untranslated benchmark's. A translation that came out empty is left out of its language (logged
with its count); other flags (truncated, repetition) are kept and counted in the log.
"""

import logging
from collections.abc import Mapping

import pandas as pd

from hybridir.errors import DataError
from hybridir.fetch.shapes import QUERY_COLUMNS
from hybridir.text import text_id

EMPTY_FLAGS = ("empty", "empty_source")


def query_texts(queries: pd.DataFrame) -> pd.DataFrame:
    """The `texts` of a benchmark's queries: each distinct query text once, in its language, by id."""
    texts = queries[["lang", "text"]].assign(text_id=queries["text"].map(text_id))
    texts = texts.drop_duplicates("text_id").sort_values("text_id", ignore_index=True)
    return texts[["text_id", "lang", "text"]]


def _translated(queries: pd.DataFrame, translations: pd.DataFrame, lang: str, benchmark: str) -> pd.DataFrame:
    """The queries of one target language from its translations (by the source text's id)."""
    by_id = translations.set_index("text_id")
    found = queries["text"].map(text_id).map(lambda key: by_id.loc[key] if key in by_id.index else None)
    missing = int(found.isna().sum())
    if missing:
        raise DataError(f"{benchmark} {lang}: {missing} queries have no translation in its translations table")
    flags = found.map(lambda row: list(row["flags"]))
    empty = flags.map(lambda fs: any(f in EMPTY_FLAGS for f in fs)).to_numpy()
    if empty.any():
        logging.warning("%s %s: %d queries translated to an empty text are left out", benchmark, lang, empty.sum())
    counts = pd.Series([f for fs in flags[~empty] for f in fs], dtype=object).value_counts()
    for flag, count in counts.items():
        logging.info("%s %s: %d translated queries flagged %s (kept)", benchmark, lang, count, flag)
    kept = queries[~empty]
    return pd.DataFrame(
        {
            "query_id": lang + "/" + kept["question_id"].astype(str),
            "question_id": kept["question_id"],
            "lang": lang,
            "text": found[~empty].map(lambda row: row["text"]),
            "group": kept["group"],
        }
    )[QUERY_COLUMNS]


def with_translations(queries: pd.DataFrame, translations: Mapping[str, pd.DataFrame], benchmark: str) -> pd.DataFrame:
    """The benchmark's queries followed by their translations, one language after another (in the
    order of `translations`: language -> its translations table)."""
    parts = [queries[QUERY_COLUMNS]]
    parts += [_translated(queries, table, lang, benchmark) for lang, table in translations.items()]
    return pd.concat(parts, ignore_index=True)
