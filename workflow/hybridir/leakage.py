"""Leakage audit: no training text may occur in an evaluation set (the paper's zero-shot premise).

Training texts (every question, passage and hard-negative passage of the parallel corpus, in every
language, after translation) are compared with the evaluation texts of the same language (every
benchmark question, every judged candidate, and the paragraph around a judged candidate sentence),
both in one normal form (`normalise`), in two ways:
- exact: the normal forms are equal;
- near: the Jaccard similarity of their sets of character n-grams is at least the threshold.
  datasketch's MinHash LSH over the evaluation texts proposes candidates (tuned to miss few); each
  is confirmed with the exact Jaccard of the two n-gram sets, which is the similarity reported.

What is compared with what. Jaccard similarity (resemblance) compares texts of like length: a
training passage that copies a benchmark paragraph shares nearly all its n-grams with the
paragraph, but a 30-word sentence of a 150-word paragraph resembles it at about 0.2. So a candidate
sentence and its paragraph are indexed as two texts: a copied paragraph is found against the
paragraph, a training text that is one benchmark sentence (a short passage, a question) against the
sentence. A training passage that shares a single sentence with a benchmark paragraph and is
otherwise different resembles neither, and is not reported (that is containment, not resemblance).
Only judged candidates (in qrels) are indexed: a MIRACL corpus is millions of Wikipedia passages,
most never judged for any question, and seeing one in training tells nothing about a test answer.
Every LAReQA-style paragraph that has a question is indexed whole, so its other sentences are
covered at paragraph level. A context is a paragraph when it contains its candidate (LAReQA, MLQA);
a MIRACL candidate's context is its title, which does not, and is not indexed.

Memory: the evaluation side (about 10^5 texts at paper size) is hashed once (`index_table`) and
held as one LSH per language (`EvaluationIndex`); the training side streams through `audit` in
chunks, each unique text of a chunk hashed and looked up once.
"""

import logging
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from datasketch import LeanMinHash, MinHash, MinHashLSH

from hybridir.errors import DataError
from hybridir.text import clean_text

log = logging.getLogger(__name__)

# corpus column -> training field of a hit
TRAINING_FIELDS = {"question": "question", "passage": "passage", "negative_passages": "negative"}
# the LSH weighs a missed pair 19 times a false candidate, since every candidate is confirmed
# exactly: at 128 permutations and threshold 0.8 (16 bands of 8), a pair at 0.8 is proposed with
# probability 0.95, at 0.85 with 0.99, a pair at 0.5 with 0.06 (weights (0.5, 0.5): 0.40, 0.69, 0.03)
LSH_WEIGHTS = (0.05, 0.95)
SCHEME = "affine32"
HIT_COLUMNS = [
    "dataset",
    "pair_id",
    "lang",
    "field",
    "text",
    "benchmark",
    "evaluation_id",
    "evaluation_field",
    "evaluation_text",
    "kind",
    "similarity",
]
HIT_KEY = ["pair_id", "lang", "field", "benchmark", "evaluation_id", "evaluation_field"]


@dataclass(frozen=True)
class LeakageSettings:
    """Config `leakage` and the seed of the MinHash permutations."""

    threshold: float = 0.8
    ngram: int = 5
    permutations: int = 128
    seed: int = 1

    @classmethod
    def from_config(cls, leakage: Mapping[str, Any], seed: int) -> "LeakageSettings":
        return cls(leakage["threshold"], leakage["ngram"], leakage["permutations"], seed)


class _Punctuation(dict):
    """str.translate table that deletes Unicode punctuation (categories P*), each character looked
    up once, when first seen."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("P") else code
        self[code] = kept
        return kept


_PUNCTUATION = _Punctuation()


def normalise(text: str) -> str:
    """The form both sides are compared in: clean_text, casefolded, punctuation deleted (as SQuAD's
    answer normalisation does), whitespace collapsed."""
    return " ".join(clean_text(text).casefold().translate(_PUNCTUATION).split())


def ngrams(text: str, n: int) -> set[str]:
    """The character n-grams of a normal form; a text shorter than n is its own one n-gram."""
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


class Hasher:
    """MinHash signatures of n-gram sets: datasketch's affine32 scheme over CRC-32 hashes of the
    n-grams (three times faster than its default SHA-1; the scheme premixes each hash), with the
    settings' permutations, generated once."""

    def __init__(self, settings: LeakageSettings):
        self.settings = settings
        self.permutations = MinHash(num_perm=settings.permutations, seed=settings.seed, scheme=SCHEME).permutations

    def minhash(self, grams: set[str]) -> MinHash:
        minhash = MinHash(
            num_perm=self.settings.permutations,
            seed=self.settings.seed,
            hashfunc=zlib.crc32,
            permutations=self.permutations,
            scheme=SCHEME,
        )
        minhash.update_batch([gram.encode() for gram in grams])
        return minhash

    def lean(self, signature: np.ndarray) -> LeanMinHash:
        """The MinHash of a stored signature (leakage_index.signature)."""
        return LeanMinHash(seed=self.settings.seed, hashvalues=signature.astype(np.uint32), scheme=SCHEME)

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        """One row of hash values per normal form."""
        rows = [self.minhash(ngrams(text, self.settings.ngram)).hashvalues for text in texts]
        return np.array(rows, dtype=np.int64).reshape(len(rows), self.settings.permutations)


def evaluation_texts(
    benchmark: str, queries: pd.DataFrame, candidates: pd.DataFrame, qrels: pd.DataFrame
) -> pd.DataFrame:
    """The texts of one benchmark that training must not contain: every question, every judged
    candidate, and once each paragraph that holds a judged candidate (see the module docstring)."""
    judged = candidates[candidates["candidate_id"].isin(set(qrels["candidate_id"]))]
    holds = [isinstance(c, str) and t in c for t, c in zip(judged["text"], judged["context"], strict=True)]
    paragraphs = judged[holds].drop_duplicates(["lang", "paragraph_id"])
    parts = [
        queries.assign(evaluation_id=queries["query_id"], field="question"),
        judged.assign(evaluation_id=judged["candidate_id"], field="candidate"),
        paragraphs.assign(
            evaluation_id=paragraphs["lang"] + "/" + paragraphs["paragraph_id"],
            field="paragraph",
            text=paragraphs["context"],
        ),
    ]
    columns = ["evaluation_id", "lang", "field", "text"]
    texts = pd.concat([part[columns] for part in parts], ignore_index=True).assign(benchmark=benchmark)
    return texts[["benchmark", *columns]]


def index_table(texts: pd.DataFrame, settings: LeakageSettings) -> pd.DataFrame:
    """Evaluation texts with the MinHash signature of their normal form (table leakage_index);
    texts whose normal form is empty (punctuation only) are left out, with a log line."""
    normal = texts["text"].map(normalise)
    empty = normal.eq("")
    if empty.any():
        log.info("%d evaluation texts are empty once normalised and are not indexed", int(empty.sum()))
    texts, normal = texts[~empty].reset_index(drop=True), normal[~empty].reset_index(drop=True)
    unique = pd.unique(normal)
    signatures = Hasher(settings).signatures(unique)
    row_of = {text: i for i, text in enumerate(unique)}
    return texts.assign(signature=[signatures[row_of[text]] for text in normal])


class EvaluationIndex:
    """Every evaluation text, by language: normal forms for exact matches, a MinHash LSH for near ones.

    A key is one distinct (language, normal form); `references` lists the benchmark texts that have it.
    """

    def __init__(self, table: pd.DataFrame, settings: LeakageSettings):
        self.settings = settings
        self.hasher = Hasher(settings)
        normal = table["text"].map(normalise)
        distinct = pd.DataFrame({"lang": table["lang"], "normal": normal}).drop_duplicates().reset_index(drop=True)
        self.normal = distinct["normal"].tolist()
        self.exact = {
            (lang, text): key for key, (lang, text) in enumerate(zip(distinct["lang"], self.normal, strict=True))
        }
        keys = [self.exact[pair] for pair in zip(table["lang"], normal, strict=True)]
        self.references = table.drop(columns="signature").assign(key=keys)
        self.lsh: dict[str, MinHashLSH] = {}
        first = self.references.drop_duplicates("key")
        for key, lang, signature in zip(first["key"], first["lang"], table.loc[first.index, "signature"], strict=True):
            if len(signature) != settings.permutations:
                raise DataError(
                    f"leakage index: a signature has {len(signature)} values, leakage.permutations is "
                    f"{settings.permutations}; rebuild the index"
                )
            if lang not in self.lsh:
                self.lsh[lang] = self._new_lsh()
            self.lsh[lang].insert(key, self.hasher.lean(np.asarray(signature)))
        log.info(
            "leakage index: %d evaluation texts, %d distinct, languages %s", len(table), len(first), sorted(self.lsh)
        )

    def _new_lsh(self) -> MinHashLSH:
        return MinHashLSH(threshold=self.settings.threshold, num_perm=self.settings.permutations, weights=LSH_WEIGHTS)

    def matches(self, lang: str, text: str) -> list[tuple[int, str, float]]:
        """(key, kind, similarity) of every evaluation text of `lang` that the normal form `text` matches."""
        found = []
        exact = self.exact.get((lang, text))
        if exact is not None:
            found.append((exact, "exact", 1.0))
        lsh = self.lsh.get(lang)
        if lsh is None:
            return found
        grams = ngrams(text, self.settings.ngram)
        for key in lsh.query(self.hasher.minhash(grams)):
            if key == exact:
                continue
            similarity = jaccard(grams, ngrams(self.normal[key], self.settings.ngram))
            if similarity >= self.settings.threshold:
                found.append((key, "near", similarity))
        return found


def training_texts(chunk: pd.DataFrame) -> pd.DataFrame:
    """(dataset, pair_id, lang, field, text) of every question, passage and hard negative of a chunk
    of a parallel table."""
    columns = ["dataset", "pair_id", "lang"]
    parts = [
        chunk[[*columns, column]]
        .explode(column)
        .dropna(subset=[column])
        .rename(columns={column: "text"})
        .assign(field=field)
        for column, field in TRAINING_FIELDS.items()
    ]
    return pd.concat(parts, ignore_index=True)[[*columns, "field", "text"]]


def audit_chunk(chunk: pd.DataFrame, index: EvaluationIndex) -> pd.DataFrame:
    """The hits of one chunk of a parallel table: each distinct normal form is looked up once."""
    texts = training_texts(chunk)
    texts["normal"] = texts["text"].map(normalise)
    texts = texts[texts["normal"].ne("")]
    found = [
        (lang, normal, key, kind, similarity)
        for lang, normal in texts[["lang", "normal"]].drop_duplicates().itertuples(index=False)
        for key, kind, similarity in index.matches(lang, normal)
    ]
    if not found:
        return pd.DataFrame(columns=HIT_COLUMNS)
    matched = pd.DataFrame(found, columns=["lang", "normal", "key", "kind", "similarity"])
    references = index.references.rename(
        columns={"lang": "evaluation_lang", "field": "evaluation_field", "text": "evaluation_text"}
    )
    hits = texts.merge(matched, on=["lang", "normal"]).merge(references, on="key")
    return hits[HIT_COLUMNS]


def audit(chunks: Iterable[pd.DataFrame], index: EvaluationIndex) -> pd.DataFrame:
    """Every hit of a parallel table read in chunks (table leakage_hits): one row per training text
    and evaluation text it matches, the closest kind kept where two texts of one pair hit the same."""
    parts, rows = [], 0
    for chunk in chunks:
        parts.append(audit_chunk(chunk, index))
        rows += len(chunk)
        log.info("audited %d rows, %d hits so far", rows, sum(len(p) for p in parts))
    hits = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HIT_COLUMNS)
    order = [*HIT_KEY, "kind", "similarity"]  # exact before near, then the closest
    hits = hits.astype({"similarity": float}).sort_values(order, ascending=[True] * (len(order) - 1) + [False])
    return hits.drop_duplicates(HIT_KEY).reset_index(drop=True)[HIT_COLUMNS]


def exclude_leaked(corpus: pd.DataFrame, hits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The corpus without every pair that has a hit, in all its languages (a pair's translations
    carry the same content, and x_y batches pair them across languages), and the ledger of every
    (pair, language) that came in (table leakage_ledger): kept, or filtered as `leaked` with the
    benchmarks it matched."""
    benchmarks = hits.groupby("pair_id")["benchmark"].agg(lambda names: sorted(set(names)))
    leaked = corpus["pair_id"].isin(benchmarks.index)
    ledger = corpus[["pair_id", "dataset", "lang"]].assign(
        status=np.where(leaked, "filtered", "kept"),
        reason=np.where(leaked, "leaked", None),
        benchmarks=[benchmarks.get(pair, []) for pair in corpus["pair_id"]],
    )
    log.info("%d of %d pairs leaked into a benchmark and are dropped", len(benchmarks), corpus["pair_id"].nunique())
    return corpus[~leaked].reset_index(drop=True), ledger.reset_index(drop=True)
