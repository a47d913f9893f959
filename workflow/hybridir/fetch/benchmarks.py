"""Retrieval benchmarks as three tables, `candidates`, `queries` and `qrels`, and the benchmark
ledger of every judgement read (hybridir.fetch.judgements).

- lareqa: SQuAD-format JSON per language with `sentence_breaks` (XQuAD-R, LAReQA's MLQA-R).
  A candidate is one sentence of a paragraph, kept with its paragraph as context; the relevant
  candidate of a question is the sentence holding its answer, in every language that has the
  question id. The answer text is checked against the context at `answer_start` and looked for
  nearby when it is not there (hybridir.fetch.answers); a question id repeated in a file is an
  error naming both places. `articles: [start, stop]` keeps the articles start..stop-1 (0-based, file
  order), so that disjoint article ranges of one benchmark can train and evaluate.
- mlqa: the same from SQuAD-format JSON without sentence breaks (raw MLQA); paragraphs are
  split with hybridir.sentences. With a `reference` (LAReQA's files), the share of LAReQA's
  candidate sentences that the split recovers exactly is logged per language.
- miracl: per-language topics, qrels and a corpus (hybridir.fetch.miracl), the corpus streamed.
- tatoeba, bucc, mewsli_x, mmarco, beir: hybridir.fetch.tatoeba, .bucc, .mewsli, .mmarco, .beir (a
  beir benchmark's queries may be machine-translated later, by the translate stage).
`stream_benchmark` reads any format through READERS; the tables' columns: hybridir.fetch.shapes.
"""

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import pandas as pd

from hybridir.errors import DataError
from hybridir.fetch.answers import locate_answer, log_answer_checks, read_question
from hybridir.fetch.beir import beir_benchmark
from hybridir.fetch.bucc import read_bucc
from hybridir.fetch.judgements import FILTERED, KEPT, LEDGER_COLUMNS, FirstPlaces
from hybridir.fetch.mewsli import mewsli_benchmark
from hybridir.fetch.miracl import MiraclLanguage
from hybridir.fetch.mmarco import mmarco_benchmark
from hybridir.fetch.shapes import (
    CANDIDATE_COLUMNS,
    QRELS_COLUMNS,
    QUERY_COLUMNS,
    Benchmark,
    BenchmarkStream,
    concat,
    joined,
)
from hybridir.fetch.tatoeba import read_tatoeba
from hybridir.locations import fill_template
from hybridir.sentences import sentence_spans
from hybridir.sources import read_json

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
    """Candidates, queries, qrels and ledger of one language of a SQuAD-format benchmark (its first
    `limit` paragraphs of the selected `articles`, or all)."""
    candidates, queries, qrels, ledger = [], [], [], []
    seen = FirstPlaces(path, "question id")
    paragraphs = _squad_paragraphs(read_json(path), path, articles)
    for paragraph_id, paragraph, where in islice(paragraphs, limit):
        context = paragraph["context"]
        spans = find_spans(paragraph, where, lang)
        ids = [f"{lang}/{paragraph_id}/{i}" for i in range(len(spans))]
        for index, (start, end) in enumerate(spans):
            candidates.append((ids[index], lang, paragraph_id, index, context[start:end].strip(), context, None))
        for number, qa in enumerate(paragraph["qas"]):
            place = f"{where}.qas[{number}]"
            question = read_question(qa, place)
            seen.add(question.qid, place.removeprefix(f"{path}: "))
            span = locate_answer(context, question.answer, question.start)
            index = None if span.start is None else _sentence_of(spans, span.start)
            if span.start is not None and index is None:
                raise DataError(f"{where}: question {question.qid}: answer_start {span.start} is in no sentence")
            candidate, status = (None, FILTERED) if index is None else (ids[index], KEPT)
            detail = f"{place}: {span.detail}" if span.detail else None
            ledger.append((None, lang, question.qid, candidate, path, len(ledger), status, span.reason, detail))
            if candidate is not None:
                queries.append((f"{lang}/{question.qid}", question.qid, lang, question.text, None))
                qrels.append((question.qid, candidate, 1))
    part = Benchmark(
        pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        pd.DataFrame(queries, columns=QUERY_COLUMNS),
        pd.DataFrame(qrels, columns=QRELS_COLUMNS),
        pd.DataFrame(ledger, columns=LEDGER_COLUMNS),
    )
    log_answer_checks(part.ledger, path)
    return part


def answer_sentences(bench: Benchmark) -> pd.DataFrame:
    """(question_id, question, sentence) of one language of a SQuAD-format benchmark: each question
    with the text of its relevant candidate, the sentence that holds its answer."""
    pairs = bench.queries.merge(bench.qrels, on="question_id").merge(bench.candidates, on="candidate_id")
    return pairs.rename(columns={"text_x": "question", "text_y": "sentence"})[["question_id", "question", "sentence"]]


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


def miracl_stream(spec: Mapping[str, Any]) -> BenchmarkStream:
    """A MIRACL-format entry: queries of all its languages, the corpora streamed one after another."""
    key = f"benchmarks[{spec['name']}]"
    parts = [
        MiraclLanguage(spec["source"], lang, spec["split"], spec["limit"], spec["missing_judged"], key)
        for lang in spec["languages"]
    ]

    def judgements() -> tuple[pd.DataFrame, pd.DataFrame]:
        qrels, ledgers = zip(*(part.judgements() for part in parts), strict=True)
        return concat(qrels, QRELS_COLUMNS), concat(ledgers, LEDGER_COLUMNS).assign(benchmark=spec["name"])

    candidates = chain.from_iterable(part.passages() for part in parts)
    return BenchmarkStream(candidates, concat((part.queries for part in parts), QUERY_COLUMNS), judgements)


def miracl_benchmark(spec: Mapping[str, Any], seed: int) -> BenchmarkStream:
    """A MIRACL-format entry (`seed` unused: its `limit` keeps the first passages)."""
    return miracl_stream(spec)


def squad_benchmark(spec: Mapping[str, Any], seed: int) -> BenchmarkStream:
    """Every language of a lareqa- or mlqa-format entry; questions some languages lack are logged."""
    find_spans = given_breaks if spec["format"] == "lareqa" else split_breaks
    stream = joined(squad_part(spec, lang, find_spans) for lang in spec["languages"])
    warn_partial_questions(stream.queries, spec["name"], spec["languages"])
    return stream


# The reader of each benchmark format (hybridir.vocabulary.FORMATS): (entry, seed) -> stream.
READERS: dict[str, Callable[[Mapping[str, Any], int], BenchmarkStream]] = {
    "lareqa": squad_benchmark,
    "mlqa": squad_benchmark,
    "miracl": miracl_benchmark,
    "tatoeba": lambda spec, seed: joined(read_tatoeba(spec).values()),
    "bucc": lambda spec, seed: joined(read_bucc(spec).values()),
    "mewsli_x": mewsli_benchmark,
    "mmarco": mmarco_benchmark,
    "beir": lambda spec, seed: joined([beir_benchmark(spec)]),
}


def stream_benchmark(spec: Mapping[str, Any], seed: int = 0) -> BenchmarkStream:
    """Read one `benchmarks[]` config entry: queries of all its languages, a stream of its candidates
    (a large corpus is read as the stream is iterated), then its qrels and ledger; `seed` (config
    `seed`) draws the sampled passages of an entry with `limit` (mmarco, mewsli_x)."""
    stream = READERS[spec["format"]](spec, seed)
    judgements = stream.judgements

    def named() -> tuple[pd.DataFrame, pd.DataFrame]:
        qrels, ledger = judgements()
        return qrels, ledger.assign(benchmark=spec["name"])

    return BenchmarkStream(stream.candidates, stream.queries, named)


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


def fetch_benchmark(spec: Mapping[str, Any], seed: int = 0) -> Benchmark:
    """One `benchmarks[]` config entry read into memory (see stream_benchmark for large ones)."""
    stream = stream_benchmark(spec, seed)
    candidates = concat(stream.candidates, CANDIDATE_COLUMNS)
    return Benchmark(candidates, stream.queries, *stream.judgements())
