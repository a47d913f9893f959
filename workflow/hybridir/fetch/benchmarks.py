"""Retrieval benchmarks as three tables: `candidates`, `queries` and `qrels`.

- lareqa: SQuAD-format JSON per language with `sentence_breaks` (XQuAD-R, LAReQA's MLQA-R).
  A candidate is one sentence of a paragraph, kept with its paragraph as context; the relevant
  candidate of a question is the sentence holding `answer_start`, in every language that has
  the question id. `articles: [start, stop]` keeps the articles start..stop-1 (0-based, file
  order), so that disjoint article ranges of one benchmark can train and evaluate.
- mlqa: the same from SQuAD-format JSON without sentence breaks (raw MLQA); paragraphs are
  split with hybridir.sentences. With a `reference` (LAReQA's files), the share of LAReQA's
  candidate sentences that the split recovers exactly is logged per language.
- miracl: per-language topics TSV (qid, query), qrels TSV (qid, Q0, docid, relevance) and a
  JSONL corpus (docid, title, text), read through `datasets`; candidates are passages. The corpus
  (57.5M passages over MIRACL's languages) is streamed in chunks of CHUNK_ROWS candidates, never
  held whole; with `limit`, every judged passage is kept plus the first `limit` others.
- beir: BEIR's corpus.jsonl, queries.jsonl and qrels/<split>.tsv of one language
  (hybridir.fetch.beir); its queries may be machine-translated later (the translate stage).
"""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.beir import beir_benchmark
from hybridir.fetch.tables import (
    CANDIDATE_COLUMNS,
    CHUNK_ROWS,
    QRELS_COLUMNS,
    QUERY_COLUMNS,
    Benchmark,
    BenchmarkStream,
)
from hybridir.locations import fill_template
from hybridir.sentences import sentence_spans
from hybridir.sources import read_json, stream_columns, stream_rows

Spans = list[tuple[int, int]]
Articles = tuple[int, int] | list[int] | None
SpanFinder = Callable[[Mapping[str, Any], str, str], Spans]


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


def _article_range(count: int, articles: Articles, path: str) -> range:
    """Indices of the selected articles (all without a selection); a stop beyond the file is an error."""
    if articles is None:
        return range(count)
    start, stop = articles
    if stop > count:
        raise DataError(f"{path}: articles [{start}, {stop}] asked for, but the file has {count} articles")
    return range(start, stop)


def _squad_paragraphs(data: Any, path: str, articles: Articles = None) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """(paragraph id, paragraph, location) for every paragraph of a SQuAD-format file, or of its
    articles [start, stop) in file order; ids keep the article's position in the file."""
    if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
        raise DataError(f"{path}: expected SQuAD-format JSON with a top-level 'data' list")
    for a in _article_range(len(data["data"]), articles, path):
        article = data["data"][a]
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            where = f"{path}: data[{a}].paragraphs[{p}]"
            if not isinstance(paragraph.get("context"), str) or not isinstance(paragraph.get("qas"), list):
                raise DataError(f"{where}: expected a 'context' string and a 'qas' list")
            yield f"{a:04d}-{p:03d}", paragraph, where


def squad_language(
    path: str, lang: str, find_spans: SpanFinder, limit: int | None = None, articles: Articles = None
) -> Benchmark:
    """Candidates, queries and qrels of one language of a SQuAD-format benchmark (its first
    `limit` paragraphs of the selected `articles`, or all)."""
    candidates, queries, qrels = [], [], []
    paragraphs = _squad_paragraphs(read_json(path), path, articles)
    for paragraph_id, paragraph, where in islice(paragraphs, limit):
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
        pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        pd.DataFrame(queries, columns=QUERY_COLUMNS),
        pd.DataFrame(qrels, columns=QRELS_COLUMNS),
    )


def answer_sentences(bench: Benchmark) -> pd.DataFrame:
    """(question_id, question, sentence) of one language of a SQuAD-format benchmark: each question
    with the text of its relevant candidate, the sentence that holds its answer."""
    pairs = bench.queries.merge(bench.qrels, on="question_id").merge(bench.candidates, on="candidate_id")
    return pairs.rename(columns={"text_x": "question", "text_y": "sentence"})[["question_id", "question", "sentence"]]


def _relevance(row: Mapping[str, str], path: str) -> int:
    try:
        return int(row["relevance"])
    except ValueError:
        raise DataError(f"{path}: query {row['qid']}: relevance {row['relevance']!r} is not an integer") from None


def miracl_language(source: Mapping[str, str], lang: str, split: str, limit: int | None) -> BenchmarkStream:
    """Queries and qrels of one MIRACL language, read through `datasets`, and its corpus as a stream."""

    def path(kind: str) -> str:
        return fill_template(source[kind], f"benchmarks[].source.{kind}", lang=lang, split=split)

    topics = stream_columns(path("topics"), "qid", "query")
    queries = [(f"{lang}/{r['qid']}", f"{lang}/{r['qid']}", lang, r["query"].strip()) for r in topics]
    judged = [
        (r["qid"], r["docid"], _relevance(r, path("qrels")))
        for r in stream_columns(path("qrels"), "qid", "q0", "docid", "relevance")
    ]
    qrels = [(f"{lang}/{qid}", f"{lang}/{docid}", relevance) for qid, docid, relevance in judged]
    passages = miracl_passages(path("corpus"), lang, {docid for _, docid, _ in judged}, limit)
    return BenchmarkStream(
        passages, pd.DataFrame(queries, columns=QUERY_COLUMNS), pd.DataFrame(qrels, columns=QRELS_COLUMNS)
    )


def miracl_passages(corpus: str, lang: str, judged: set[str], limit: int | None) -> Iterator[pd.DataFrame]:
    """The corpus passages as candidate chunks, in corpus order: all of them, or, with `limit`,
    every judged passage and the first `limit` others (reading stops once all are found)."""
    missing, others, rows = set(judged), 0, []
    for doc in tqdm(stream_rows(corpus), desc=f"fetch miracl {lang} corpus", unit=" passages"):
        docid = str(doc["docid"])
        if docid in missing:
            missing.discard(docid)
        elif limit is not None and others >= limit:
            if not missing:
                break
            continue
        else:
            others += 1
        rows.append((f"{lang}/{docid}", lang, docid.split("#")[0], 0, doc["text"], doc.get("title")))
        if len(rows) == CHUNK_ROWS:
            yield pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
            rows = []
    if rows:
        yield pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    if missing:
        logging.warning(
            "%s: %d judged passages are not in the corpus, e.g. %s", corpus, len(missing), sorted(missing)[:3]
        )


def _concat(frames: Iterable[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = list(frames)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


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


def squad_part(spec: Mapping[str, Any], lang: str, find_spans: SpanFinder) -> Benchmark:
    """One language of a SQuAD-format benchmark; with a `reference`, its sentence recovery logged."""
    key = f"benchmarks[{spec['name']}]"
    path = fill_template(spec["source"], f"{key}.source", lang=lang)
    part = squad_language(path, lang, find_spans, spec.get("limit"), spec.get("articles"))
    if spec.get("reference"):
        reference = fill_template(spec["reference"], f"{key}.reference", lang=lang)
        recovery = sentence_recovery(part.candidates, reference, lang)
        log_recovery(recovery, spec["name"], lang)
    return part


def stream_benchmark(spec: Mapping[str, Any]) -> BenchmarkStream:
    """Read one `benchmarks[]` config entry: queries and qrels of all its languages, and a stream of
    its candidates (a MIRACL corpus is read as the stream is iterated)."""
    parts: list[Benchmark] | list[BenchmarkStream]
    if spec["format"] == "beir":
        bench = beir_benchmark(spec)
        return BenchmarkStream(iter([bench.candidates]), bench.queries, bench.qrels)
    if spec["format"] == "miracl":
        parts = [miracl_language(spec["source"], lang, spec["split"], spec["limit"]) for lang in spec["languages"]]
        candidates = chain.from_iterable(part.candidates for part in parts)
    else:
        find_spans = given_breaks if spec["format"] == "lareqa" else split_breaks
        parts = [squad_part(spec, lang, find_spans) for lang in spec["languages"]]
        candidates = iter([part.candidates for part in parts])
    queries = _concat((part.queries for part in parts), QUERY_COLUMNS)
    if spec["format"] != "miracl":
        warn_partial_questions(queries, spec["name"], spec["languages"])
    return BenchmarkStream(candidates, queries, _concat((part.qrels for part in parts), QRELS_COLUMNS))


def warn_partial_questions(queries: pd.DataFrame, name: str, languages: list[str]) -> None:
    """Log the questions that some of a benchmark's languages lack: each is evaluated (and is
    relevant) only in the languages that have it."""
    present = queries.groupby("question_id")["lang"].agg(set)
    partial = present[present.map(len) < len(languages)]
    if len(partial):
        missing = ", ".join(lang for lang in languages if lang not in partial.iloc[0])
        logging.warning(
            "%s: %d question(s) are missing in some languages, e.g. %s (not in %s); each is evaluated in the "
            "languages that have it",
            name,
            len(partial),
            partial.index[0],
            missing,
        )


def fetch_benchmark(spec: Mapping[str, Any]) -> Benchmark:
    """One `benchmarks[]` config entry read into memory (see stream_benchmark for large ones)."""
    stream = stream_benchmark(spec)
    return Benchmark(_concat(stream.candidates, CANDIDATE_COLUMNS), stream.queries, stream.qrels)
