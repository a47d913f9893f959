"""BEIR's layout (beir-cellar/beir, its GenericDataLoader): `corpus.jsonl` (one {_id, title, text}
per line), `queries.jsonl` ({_id, text}) and `qrels/<split>.tsv` (a header line `query-id corpus-id
score`, then one tab-separated judgement per line). Paths may be URLs or fsspec chains
(zip://fiqa/corpus.jsonl::https://.../fiqa.zip, hf://datasets/...), gzip-compressed or not.

Read two ways:
- a benchmark of one language (`benchmarks[]` format beir): candidates are the corpus passages
  (title as context), queries those with a judgement in the split, qrels the judgements (each
  kept in the benchmark ledger); with `limit`, every judged passage and the first `limit` others
  are kept;
- a QA dataset (`datasets[]` format beir, e.g. FiQA's train split): one pair per relevant
  judgement (score >= 1), the query as question and the passage (title and text) as passage.
"""

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

import fsspec
import pandas as pd

from hybridir.errors import DataError
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, QRELS_COLUMNS, QUERY_COLUMNS, Benchmark, kept_ledger
from hybridir.locations import fill_template
from hybridir.sources import reading

QRELS_HEADER = ["query-id", "corpus-id", "score"]


def jsonl_records(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) of every non-empty line of a JSONL file; errors name the file and line."""
    with reading(path), fsspec.open(path, "rt", encoding="utf-8", compression="infer") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}: line {number}: not valid JSON: {error}") from error
            if not isinstance(record, Mapping) or "_id" not in record or not isinstance(record.get("text"), str):
                raise DataError(f"{path}: line {number}: expected an object with '_id' and a 'text' string")
            yield number, dict(record)


def read_qrels(path: str) -> pd.DataFrame:
    """query_id, corpus_id, score (int) of a qrels TSV whose first line is BEIR's header."""
    with reading(path), fsspec.open(path, "rt", encoding="utf-8", compression="infer") as handle:
        lines = handle.read().splitlines()
    if not lines or lines[0].split("\t") != QRELS_HEADER:
        found = lines[0].split("\t") if lines else "an empty file"
        raise DataError(f"{path}: expected BEIR's header line {QRELS_HEADER} (tab-separated), got {found}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3:
            raise DataError(f"{path}: line {number}: expected 3 tab-separated columns {QRELS_HEADER}, got {len(parts)}")
        try:
            rows.append((parts[0], parts[1], int(parts[2])))
        except ValueError:
            raise DataError(f"{path}: line {number}: score {parts[2]!r} is not an integer") from None
    return pd.DataFrame(rows, columns=["query_id", "corpus_id", "score"])


def read_queries(path: str, wanted: set[str]) -> dict[str, str]:
    """Text by id of the queries in `wanted`; one that the file lacks is an error naming it."""
    texts = {str(r["_id"]): r["text"].strip() for _, r in jsonl_records(path) if str(r["_id"]) in wanted}
    missing = sorted(wanted - set(texts))
    if missing:
        raise DataError(f"{path}: {len(missing)} judged queries are not in the file, e.g. {missing[:3]}")
    return texts


def read_corpus(path: str, judged: set[str], limit: int | None = None) -> pd.DataFrame:
    """_id, title, text of the corpus passages: all, or every judged one and the first `limit` others;
    a judged passage that the corpus lacks is an error naming it."""
    rows, others = [], 0
    for _, record in jsonl_records(path):
        doc = str(record["_id"])
        if doc not in judged:
            if limit is not None and others >= limit:
                continue
            others += 1
        rows.append((doc, (record.get("title") or "").strip(), record["text"].strip()))
    corpus = pd.DataFrame(rows, columns=["_id", "title", "text"])
    missing = sorted(judged - set(corpus["_id"]))
    if missing:
        raise DataError(f"{path}: {len(missing)} judged passages are not in the corpus, e.g. {missing[:3]}")
    return corpus


def source_paths(spec: Mapping[str, Any], key: str) -> dict[str, str]:
    """The corpus, queries and qrels paths of a beir config entry, '{split}' filled in."""
    return {
        kind: fill_template(template, f"{key}.source.{kind}", split=spec["split"])
        for kind, template in spec["source"].items()
    }


def beir_benchmark(spec: Mapping[str, Any]) -> Benchmark:
    """The candidates, queries and qrels of a `benchmarks[]` entry of format beir (one language)."""
    (lang,) = spec["languages"]
    paths = source_paths(spec, f"benchmarks[{spec['name']}]")
    judgements = read_qrels(paths["qrels"])
    if judgements.empty:
        raise DataError(f"{paths['qrels']}: no judgement; a benchmark needs at least one")
    queries = read_queries(paths["queries"], set(judgements["query_id"]))
    corpus = read_corpus(paths["corpus"], set(judgements["corpus_id"]), spec.get("limit"))
    candidates = pd.DataFrame(
        {
            "candidate_id": lang + "/" + corpus["_id"],
            "lang": lang,
            "paragraph_id": corpus["_id"],
            "sentence_index": 0,
            "text": corpus["text"],
            "context": corpus["title"].where(corpus["title"] != "", None),
            "group": None,
        }
    )[CANDIDATE_COLUMNS]
    ids = list(pd.unique(judgements["query_id"]))
    query_table = pd.DataFrame(
        {
            "query_id": [f"{lang}/{q}" for q in ids],
            "question_id": ids,
            "lang": lang,
            "text": [queries[q] for q in ids],
            "group": None,
        }
    )[QUERY_COLUMNS]
    qrels = pd.DataFrame(
        {
            "question_id": judgements["query_id"],
            "candidate_id": lang + "/" + judgements["corpus_id"],
            "relevance": judgements["score"],
        }
    )[QRELS_COLUMNS]
    # every judgement is kept (a bad one stops the read); qrels row i is line i + 1 from 0, after the header
    ledger = kept_ledger(qrels, lang, paths["qrels"], judgements.index.to_numpy() + 1)
    return Benchmark(candidates, query_table, qrels, ledger)


def beir_pairs(spec: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """One row {id, question, passage} per relevant judgement (score >= 1) of a `datasets[]` entry of
    format beir, in qrels order (at most `limit`); the others are counted in the log."""
    paths = source_paths(spec, f"datasets[{spec['name']}]")
    judgements = read_qrels(paths["qrels"])
    relevant = judgements[judgements["score"] >= 1].head(spec.get("limit"))
    skipped = int((judgements["score"] < 1).sum())
    if skipped:
        logging.info("%s: %d judgements with score < 1 are not pairs (not relevant)", paths["qrels"], skipped)
    queries = read_queries(paths["queries"], set(relevant["query_id"]))
    corpus = read_corpus(paths["corpus"], set(relevant["corpus_id"]), limit=0).set_index("_id")
    for query, doc in zip(relevant["query_id"], relevant["corpus_id"], strict=True):
        title, text = corpus.at[doc, "title"], corpus.at[doc, "text"]
        yield {"id": f"{query}/{doc}", "question": queries[query], "passage": f"{title} {text}" if title else text}
