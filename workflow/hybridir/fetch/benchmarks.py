"""Retrieval benchmarks as three tables: `candidates`, `queries` and `qrels`.

- lareqa: SQuAD-format JSON per language with `sentence_breaks` (XQuAD-R, LAReQA's MLQA-R).
  A candidate is one sentence of a paragraph, kept with its paragraph as context; the relevant
  candidate of a question is the sentence holding `answer_start`, in every language that has
  the question id.
- mlqa: the same from SQuAD-format JSON without sentence breaks (raw MLQA); paragraphs are
  split with hybridir.sentences. With a `reference` (LAReQA's files), the share of LAReQA's
  candidate sentences that the split recovers exactly is logged per language.
- miracl: per-language topics TSV (qid, query), qrels TSV (qid, Q0, docid, relevance) and a
  JSONL corpus (docid, title, text), read through `datasets`; candidates are passages.
"""

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.sentences import sentence_spans
from hybridir.sources import read_json, stream_columns, stream_rows

Spans = list[tuple[int, int]]
SpanFinder = Callable[[Mapping[str, Any], str, str], Spans]


@dataclass
class Benchmark:
    """The three tables of a benchmark."""

    candidates: pd.DataFrame
    queries: pd.DataFrame
    qrels: pd.DataFrame


def given_breaks(paragraph: Mapping[str, Any], where: str, lang: str) -> Spans:
    """The `sentence_breaks` of a LAReQA paragraph, checked to be ordered spans of its context."""
    if "sentence_breaks" not in paragraph:
        raise DataError(f"{where}: no 'sentence_breaks' (format lareqa needs them; use format mlqa)")
    spans = [tuple(span) for span in paragraph["sentence_breaks"]]
    previous_end = 0
    for span in spans:
        if len(span) != 2 or not previous_end <= span[0] < span[1] <= len(paragraph["context"]):
            raise DataError(f"{where}: sentence break {list(span)} is not an ordered span of the context")
        previous_end = span[1]
    return spans


def split_breaks(paragraph: Mapping[str, Any], where: str, lang: str) -> Spans:
    """Sentence spans found by hybridir's splitter (for raw MLQA)."""
    return sentence_spans(paragraph["context"], lang)


def _sentence_of(spans: Spans, position: int) -> int | None:
    """Index of the span holding a character position (or of the next span, in a gap)."""
    for index, (_, end) in enumerate(spans):
        if position < end:
            return index
    return None


def _squad_paragraphs(data: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """(paragraph id, paragraph, location) for every paragraph of a SQuAD-format file."""
    if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
        raise DataError(f"{path}: expected SQuAD-format JSON with a top-level 'data' list")
    for a, article in enumerate(data["data"]):
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            where = f"{path}: data[{a}].paragraphs[{p}]"
            if not isinstance(paragraph.get("context"), str) or not isinstance(paragraph.get("qas"), list):
                raise DataError(f"{where}: expected a 'context' string and a 'qas' list")
            yield f"{a:04d}-{p:03d}", paragraph, where


def squad_language(path: str, lang: str, find_spans: SpanFinder, limit: int | None = None) -> Benchmark:
    """Candidates, queries and qrels of one language of a SQuAD-format benchmark (its first
    `limit` paragraphs, or all)."""
    candidates, queries, qrels = [], [], []
    for paragraph_id, paragraph, where in islice(_squad_paragraphs(read_json(path), path), limit):
        context = paragraph["context"]
        spans = find_spans(paragraph, where, lang)
        ids = [f"{lang}/{paragraph_id}/{i}" for i in range(len(spans))]
        for index, (start, end) in enumerate(spans):
            candidates.append((ids[index], lang, paragraph_id, index, context[start:end].strip(), context))
        for qa in paragraph["qas"]:
            try:
                qid, question, start = str(qa["id"]), qa["question"], int(qa["answers"][0]["answer_start"])
            except (KeyError, IndexError, TypeError, ValueError):
                raise DataError(f"{where}: question {qa.get('id')!r} lacks id, question or answer_start") from None
            index = _sentence_of(spans, start)
            if index is None:
                raise DataError(f"{where}: question {qid}: answer_start {start} is in no sentence")
            queries.append((f"{lang}/{qid}", qid, lang, question.strip()))
            qrels.append((qid, ids[index], 1))
    return Benchmark(
        pd.DataFrame(candidates, columns=["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"]),
        pd.DataFrame(queries, columns=["query_id", "question_id", "lang", "text"]),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
    )


def _relevance(row: Mapping[str, str], path: str) -> int:
    try:
        return int(row["relevance"])
    except ValueError:
        raise DataError(f"{path}: query {row['qid']}: relevance {row['relevance']!r} is not an integer") from None


def miracl_language(source: Mapping[str, str], lang: str, split: str, limit: int | None) -> Benchmark:
    """Candidates, queries and qrels of one MIRACL language, read through `datasets`."""

    def path(kind: str) -> str:
        return source[kind].replace("{lang}", lang).replace("{split}", split)

    topics = stream_columns(path("topics"), "qid", "query")
    queries = [(f"{lang}/{r['qid']}", f"{lang}/{r['qid']}", lang, r["query"].strip()) for r in topics]
    judged = stream_columns(path("qrels"), "qid", "q0", "docid", "relevance")
    qrels = [(f"{lang}/{r['qid']}", f"{lang}/{r['docid']}", _relevance(r, path("qrels"))) for r in judged]
    corpus = stream_rows(path("corpus"), limit=limit)
    candidates = [
        (f"{lang}/{doc['docid']}", lang, str(doc["docid"]).split("#")[0], 0, doc["text"], doc.get("title"))
        for doc in tqdm(corpus, desc=f"fetch miracl {lang} corpus", unit=" passages")
    ]
    return Benchmark(
        pd.DataFrame(candidates, columns=["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"]),
        pd.DataFrame(queries, columns=["query_id", "question_id", "lang", "text"]),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
    )


def _concat(parts: list[Benchmark]) -> Benchmark:
    return Benchmark(
        pd.concat([p.candidates for p in parts], ignore_index=True),
        pd.concat([p.queries for p in parts], ignore_index=True),
        pd.concat([p.qrels for p in parts], ignore_index=True),
    )


@dataclass
class Recovery:
    """How many of a reference's candidate sentences a rebuilt benchmark holds exactly."""

    found: int
    total: int
    unmatched_paragraphs: int

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else 0.0


def sentence_recovery(candidates: pd.DataFrame, reference: str, lang: str) -> Recovery:
    """Compare rebuilt candidates with the `sentence_breaks` of a LAReQA-format file, paragraph by
    paragraph (matched by context); reference paragraphs absent from `candidates` are counted apart."""
    ours = candidates.groupby("context")["text"].agg(set)
    found = total = unmatched = 0
    for _, paragraph, where in _squad_paragraphs(read_json(reference), reference):
        context = paragraph["context"]
        if context not in ours.index:
            unmatched += 1
            continue
        gold = [context[start:end].strip() for start, end in given_breaks(paragraph, where, lang)]
        total += len(gold)
        found += sum(sentence in ours[context] for sentence in gold)
    return Recovery(found, total, unmatched)


def log_recovery(recovery: Recovery, name: str, lang: str) -> None:
    logging.info(
        "%s %s: sentence recovery %.1f%% (%d of %d reference candidate sentences rebuilt exactly; "
        "%d reference paragraphs not in the source)",
        name,
        lang,
        100 * recovery.share,
        recovery.found,
        recovery.total,
        recovery.unmatched_paragraphs,
    )


def fetch_benchmark(spec: Mapping[str, Any]) -> Benchmark:
    """Read one `benchmarks[]` config entry into candidates, queries and qrels of all its languages."""
    if spec["format"] == "miracl":
        parts = [miracl_language(spec["source"], lang, spec["split"], spec["limit"]) for lang in spec["languages"]]
        return _concat(parts)
    find_spans = given_breaks if spec["format"] == "lareqa" else split_breaks
    parts = []
    for lang in spec["languages"]:
        part = squad_language(spec["source"].replace("{lang}", lang), lang, find_spans, spec.get("limit"))
        if spec.get("reference"):
            recovery = sentence_recovery(part.candidates, spec["reference"].replace("{lang}", lang), lang)
            log_recovery(recovery, spec["name"], lang)
        parts.append(part)
    return _concat(parts)
