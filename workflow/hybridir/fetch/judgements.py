"""The benchmark ledger (the fate of every judgement read at fetch) and the checks that fill it.

A judgement is a (question, relevant candidate) of a benchmark: a SQuAD-format question with the
sentence holding its answer (hybridir.fetch.answers), or a qrels line. Checks that any benchmark
format can use: ids unique in their source (an error names the source and both places), and
judged candidates present in the candidates read (`judged_in_candidates`: an error naming the
qrels file and line, or, with `missing_judged: drop`, the judgement dropped with a ledger entry).
"""

import hashlib
import logging
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from hybridir.errors import DataError

LEDGER_COLUMNS = [
    "benchmark", "lang", "question_id", "candidate_id", "source", "source_row", "status", "reason", "detail"
]  # fmt: skip
KEPT, FILTERED = "kept", "filtered"
JUDGED_PASSAGE_MISSING = "judged_passage_missing"
MISSING_JUDGED = ("error", "drop")  # the values of benchmarks[].missing_judged


class FirstPlaces:
    """Where each id of a source was first seen; an id seen again is an error naming both places."""

    def __init__(self, source: str, what: str):
        self.source, self.what = source, what
        self.places: dict[object, str] = {}

    def add(self, key: object, place: str) -> None:
        if key in self.places:
            raise DataError(f"{self.source}: {self.what} {key!r} at {place} repeats the one at {self.places[key]}")
        self.places[key] = place


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


class RowKeys:
    """A 64-bit hash of every key of a long stream (a corpus), row by row, so that a repeated key is
    found without holding the keys; equal hashes are only candidates, to be confirmed on the keys."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.hashes: list[np.ndarray] = []

    def add(self, rows: Sequence[int], keys: Sequence[str]) -> None:
        self.rows.append(np.asarray(rows, dtype=np.int64))
        self.hashes.append(np.fromiter(map(key_hash, keys), dtype=np.uint64, count=len(keys)))

    def repeated(self) -> Iterator[tuple[int, int]]:
        """(earlier row, later row) of every two consecutive rows whose keys hash alike."""
        if not self.rows:
            return
        rows, hashes = np.concatenate(self.rows), np.concatenate(self.hashes)
        order = np.lexsort((rows, hashes))
        same = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
        for index in same:
            yield int(rows[order][index]), int(rows[order][index + 1])


def judged_in_candidates(
    judged: pd.DataFrame, present: set[str], missing_judged: str, key: str, corpus: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The judgements (ledger rows: question_id, candidate_id, source, source_row, ...) whose candidate
    is `present`, and the ledger with the others: an error naming the first one's qrels file and line
    (`missing_judged: error`), or filtered judged_passage_missing (`drop`)."""
    missing = ~judged["candidate_id"].isin(present)
    if missing.any() and missing_judged == "error":
        first = judged[missing].iloc[0]
        raise DataError(
            f"{first['source']}: line {first['source_row'] + 1}: question {first['question_id']} judges "
            f"{first['candidate_id']}, which is not among the candidates read from {corpus} "
            f"({int(missing.sum())} such lines); set {key}.missing_judged: drop to drop them"
        )
    ledger = judged.assign(
        status=np.where(missing, FILTERED, KEPT),
        reason=np.where(missing, JUDGED_PASSAGE_MISSING, None),
        detail=np.where(missing, f"not in {corpus}", None),
    )
    if missing.any():
        logging.warning(
            "%s: %d judgements name passages that are not in %s, dropped (%s.missing_judged: drop), e.g. %s",
            judged["source"].iloc[0], int(missing.sum()), corpus, key, judged.loc[missing, "candidate_id"].iloc[0],
        )  # fmt: skip
    return judged[~missing], ledger
