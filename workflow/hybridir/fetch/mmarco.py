"""mMARCO (Bonifacio et al. 2021, arXiv 2108.13897) dev as benchmark tables: MS MARCO's passage
ranking translated, passage and query ids shared by all languages.

Source (Hub dataset unicamp-dl/mmarco, `data/google/`): per language `queries/dev/<name>_queries.dev
.small.tsv` (qid, query: the 6,980 judged dev queries; `<name>_queries.dev.tsv` holds all 101,093)
and `collections/<name>_collection.tsv` (pid, passage: 8,841,823 rows), where <name> is the
language's name in the dataset (`lang_names`); one `data/qrels.dev.small.tsv` for all languages
(qid, 0, pid, relevance: MS MARCO's format). All are TSV without a header.

Tables: query "<lang>/<qid>" of question qid in every language; candidate "<lang>/<pid>"
(paragraph_id pid, no context); qrels: question qid has its judged passages relevant in every
language's collection. So `mono` pools X queries with the X collection, `cross` with another
language's collection (the same passages, translated): cross-lingual mMARCO.

Queries that the qrels do not judge are dropped and counted (the evaluated set is the judged
one, as in MS MARCO's msmarco_passage_eval.py); a judged query or passage missing from a
language's file is an error. Collections are streamed in chunks of CHUNK_ROWS rows; `limit`
keeps every judged passage plus `limit` others sampled by passage id (hybridir.fetch.sampling),
the same ones in every language.
"""

import logging
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.judgements import LEDGER_COLUMNS
from hybridir.fetch.lines import iter_lines, split_fields
from hybridir.fetch.sampling import frames, judged_and_sampled
from hybridir.fetch.shapes import (
    CANDIDATE_COLUMNS,
    CHUNK_ROWS,
    QRELS_COLUMNS,
    QUERY_COLUMNS,
    BenchmarkStream,
    concat,
    kept_ledger,
)
from hybridir.locations import fill_template

QRELS_FIELDS = ("qid", "iteration", "pid", "relevance")


def read_qrels(path: str) -> pd.DataFrame:
    """(qid, pid, relevance, line) of an MS MARCO qrels file."""
    rows = []
    for number, text in iter_lines(path):
        qid, _, pid, relevance = split_fields(path, number, text, QRELS_FIELDS)
        if not relevance.strip().lstrip("-").isdigit():
            raise DataError(f"{path}: line {number}: relevance {relevance!r} is not an integer")
        rows.append((qid.strip(), pid.strip(), int(relevance), number))
    if not rows:
        raise DataError(f"{path}: no qrels (the file is empty)")
    frame = pd.DataFrame(rows, columns=["qid", "pid", "relevance", "line"])
    repeated = frame.duplicated(["qid", "pid"])
    if repeated.any():
        row = frame[repeated].iloc[0]
        raise DataError(f"{path}: line {row['line']}: query {row['qid']} judges passage {row['pid']} a second time")
    return frame


def read_queries(path: str, judged: set[str]) -> dict[str, str]:
    """qid -> text of the judged queries of a queries file; the others are dropped and logged."""
    queries: dict[str, str] = {}
    unjudged, first = 0, None
    for number, text in iter_lines(path):
        qid, query = split_fields(path, number, text, ("qid", "query"))
        qid = qid.strip()
        if qid in queries:
            raise DataError(f"{path}: line {number}: query {qid} occurs a second time")
        if qid not in judged:
            unjudged, first = unjudged + 1, first or number
            continue
        queries[qid] = query.strip()
    if unjudged:
        logging.warning("%s: %d queries have no qrels and are dropped (first at line %d)", path, unjudged, first)
    return queries


def check_judged_queries(qrels: pd.DataFrame, queries: Mapping[str, str], qrels_path: str, path: str) -> None:
    """Every query the qrels judge is in the queries file."""
    missing = qrels[~qrels["qid"].isin(queries.keys())]
    if len(missing):
        row = missing.iloc[0]
        raise DataError(
            f"{qrels_path}: line {row['line']}: query {row['qid']} is judged but not in {path} "
            f"({missing['qid'].nunique()} judged queries missing there)"
        )


def collection_rows(path: str, lang: str) -> Iterator[tuple]:
    """Candidate rows of a collection TSV (pid, passage), in file order; empty passages are logged."""
    empty, first = 0, None
    for number, text in tqdm(iter_lines(path), desc=f"fetch mmarco {lang} collection", unit=" passages"):
        pid, passage = split_fields(path, number, text, ("pid", "passage"))
        pid, passage = pid.strip(), passage.strip()
        if not passage:
            empty, first = empty + 1, first or number
        yield (f"{lang}/{pid}", lang, pid, 0, passage, None, None)
    if empty:
        logging.warning("%s: %d passages are empty (kept; first at line %d)", path, empty, first)


def collection_chunks(
    path: str, lang: str, qrels: pd.DataFrame, qrels_path: str, limit: int | None, seed: int
) -> Iterator[pd.DataFrame]:
    """One language's collection as candidate chunks: all of it, or the judged passages and
    `limit` sampled others; a judged passage absent from the file is an error once it is read."""
    judged = set(qrels["pid"])
    found: set[str] = set()

    def kept() -> Iterator[tuple]:
        for row in judged_and_sampled(collection_rows(path, lang), lambda row: row[2], judged, limit, seed):
            if row[2] in judged:
                found.add(row[2])
            yield row

    yield from frames(kept(), CANDIDATE_COLUMNS, CHUNK_ROWS)
    missing = qrels[~qrels["pid"].isin(found)]
    if len(missing):
        row = missing.iloc[0]
        raise DataError(
            f"{path}: passage {row['pid']} (judged at {qrels_path}: line {row['line']}) is not in the collection "
            f"({missing['pid'].nunique()} judged passages missing, e.g. {sorted(set(missing['pid']))[:3]})"
        )


def mmarco_benchmark(spec: Mapping[str, Any], seed: int) -> BenchmarkStream:
    """Read one `benchmarks[]` entry of format mmarco: source {queries, collection, qrels}, the
    first two templates with `{lang}` (the language's name in `lang_names`), `languages`, `limit`."""
    key = f"benchmarks[{spec['name']}]"
    names = spec.get("lang_names") or {}

    def path(kind: str, lang: str) -> str:
        return fill_template(spec["source"][kind], f"{key}.source.{kind}", lang=names.get(lang, lang))

    qrels_path = spec["source"]["qrels"]
    judged = read_qrels(qrels_path)
    queries, qrels, ledgers = [], [], []
    for lang in spec["languages"]:
        texts = read_queries(path("queries", lang), set(judged["qid"]))
        check_judged_queries(judged, texts, qrels_path, path("queries", lang))
        queries += [(f"{lang}/{qid}", qid, lang, text, None) for qid, text in texts.items()]
        judgements = judged[["qid", "pid", "relevance"]].itertuples(index=False)
        rows = [(qid, f"{lang}/{pid}", relevance) for qid, pid, relevance in judgements]
        qrels += rows
        ledgers.append(kept_ledger(pd.DataFrame(rows, columns=QRELS_COLUMNS), lang, qrels_path, judged["line"] - 1))
    candidates = (
        chunk
        for lang in spec["languages"]
        for chunk in collection_chunks(path("collection", lang), lang, judged, qrels_path, spec.get("limit"), seed)
    )
    judgements = (pd.DataFrame(qrels, columns=QRELS_COLUMNS), concat(ledgers, LEDGER_COLUMNS))
    return BenchmarkStream(candidates, pd.DataFrame(queries, columns=QUERY_COLUMNS), lambda: judgements)
