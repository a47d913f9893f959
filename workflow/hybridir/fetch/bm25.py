"""BM25 with bm25s and answer presence as DPR tests it: the pieces shared by the EntityQuestions
recipe (hybridir.fetch.mined) and the hard negatives mined from a dataset's own passages
(hybridir.fetch.mining)."""

import logging
import re
import unicodedata
from collections.abc import Sequence

import bm25s
import numpy as np

Tokens = tuple[str, ...]

# languages whose stopword list bm25s ships (bm25s.tokenization); any other indexes every word
STOPWORD_LANGUAGES = ("en", "de", "nl", "fr", "es", "pt", "it", "ru", "sv", "no", "zh", "tr", "ko", "da")


def answer_tokens(text: str) -> Tokens:
    """Word tokens of a text with accents folded and case lowered ("Hernández" -> "hernandez")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(re.findall(r"\w+", folded.lower()))


def has_answer(passage: Tokens, answers: Sequence[Tokens]) -> bool:
    """Whether one of the answers occurs in the passage as a run of whole tokens."""
    for answer in answers:
        width = len(answer)
        if width and any(passage[i : i + width] == answer for i in range(len(passage) - width + 1)):
            return True
    return False


def stopwords(lang: str) -> str | None:
    """bm25s's stopword list of a language, or None (logged) where it has none."""
    if lang in STOPWORD_LANGUAGES:
        return lang
    logging.info("BM25: no stopword list for %r in bm25s; every word is indexed", lang)
    return None


def bm25_rankings(
    queries: Sequence[str],
    documents: Sequence[str],
    top_k: int,
    threads: int = 1,
    lang: str = "en",
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each query, (document indices, BM25 scores) of its `top_k` best documents, best first;
    documents where `allowed` (a boolean mask) is False score 0."""
    words = stopwords(lang)
    corpus = bm25s.tokenize(list(documents), stopwords=words, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    del corpus
    tokens = bm25s.tokenize(list(queries), stopwords=words, show_progress=False)
    mask = None if allowed is None else allowed.astype(np.float32)
    k = min(top_k, len(documents))
    workers = threads if threads > 1 else 0  # 0: in this thread, without a pool's overhead
    return retriever.retrieve(tokens, k=k, show_progress=False, n_threads=workers, weight_mask=mask)
