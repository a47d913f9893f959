"""QA datasets published as questions and answers only, given passages mined with BM25.

EntityQuestions ships questions and answers, no passages. Its authors built their retriever
training sets by retrieving BM25's top 100 passages of DPR's Wikipedia split for each question
and telling positives from negatives by answer presence (EntityQuestions issue #8). This module
is that recipe, with bm25s as the BM25 engine:

- each question retrieves its `top_k` passages (title and text indexed, English stopwords);
- its positive is the best-ranked passage that contains an answer, its hard negatives the
  best-ranked `hard_negatives` passages that contain none (passages sharing no term with the
  question, score 0, are neither);
- a question without an answer-bearing passage among its `top_k` is dropped and counted.

Answer presence is a token match after Unicode accent folding and lower-casing, as DPR's
`has_answer` (hybridir.fetch.bm25). The output is DPR-style JSONL rows: id, question, answers,
positive_ctxs, hard_negative_ctxs (each a list of {passage_id, title, text}).
"""

import csv
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import datasets
from tqdm import tqdm

from hybridir.atomic import atomic_write
from hybridir.errors import DataError
from hybridir.fetch.bm25 import answer_tokens, bm25_rankings, has_answer
from hybridir.fetch.values import TextFields
from hybridir.locations import data_suffix
from hybridir.sources import read_json_files, stream_rows


@dataclass(frozen=True)
class Passage:
    passage_id: str
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    question_id: str
    question: str
    answers: list[str]


def read_questions(source: str, limit: int | None = None) -> list[Question]:
    """Questions of every JSON file of `source` (lists of {question, answers}, one file per
    EntityQuestions relation); a question's id is its file's first name part and its row number."""
    questions, fields = [], TextFields(source)
    for path, rows in read_json_files(source):
        relation = Path(path).name.split(".")[0]
        if not isinstance(rows, list):
            raise DataError(f"{source} ({path}): expected a list of {{question, answers}} objects")
        for number, row in enumerate(rows):
            where = f"{source} ({path}): row {number}"
            if not isinstance(row, dict) or "question" not in row or not isinstance(row.get("answers"), list):
                raise DataError(f"{where}: expected keys 'question' and 'answers' (a list)")
            question = fields.text(row["question"], where, "question", clean=False) or ""
            answers = [fields.text(answer, where, "answers", clean=False) or "" for answer in row["answers"]]
            questions.append(Question(f"{relation}/{number}", question, answers))
    return questions[:limit]


PASSAGE_COLUMNS = ("id", "text", "title")


def read_passages(source: str) -> list[Passage]:
    """Passages with id, text and title: a TSV in DPR's psgs_w100 layout (header row, csv-quoted
    fields, every value a string: a title "NA" stays "NA"), or JSONL / Parquet with those columns."""
    kwargs = {}
    if data_suffix(source) in (".tsv", ".csv"):
        strings = datasets.Features({column: datasets.Value("string") for column in PASSAGE_COLUMNS})
        kwargs = {"quoting": csv.QUOTE_MINIMAL, "keep_default_na": False, "features": strings}
    passages, fields = [], TextFields(source)
    for number, row in enumerate(tqdm(stream_rows(source, **kwargs), desc="read passages", unit=" passages")):
        if any(row.get(key) is None for key in PASSAGE_COLUMNS):
            raise DataError(f"{source}: row {number}: expected columns id, text and title (has {sorted(row)})")
        where = f"{source}: row {number}"
        title, text = (fields.text(row[key], where, key, clean=False) or "" for key in ("title", "text"))
        passages.append(Passage(str(row["id"]), title, text))
    if not passages:
        raise DataError(f"{source}: no passages")
    return passages


def mine_pairs(
    questions: Sequence[Question],
    passages: Sequence[Passage],
    top_k: int,
    hard_negatives: int,
    threads: int = 1,
) -> Iterator[dict[str, Any]]:
    """One DPR-style row per question that has an answer-bearing passage among its `top_k`."""
    texts = [f"{p.title} {p.text}" for p in passages]
    indices, scores = bm25_rankings([q.question for q in questions], texts, top_k, threads)
    for question, ranked, ranked_scores in zip(questions, indices, scores, strict=True):
        answers = [answer_tokens(answer) for answer in question.answers]
        positive, negatives = None, []
        for index, score in zip(ranked, ranked_scores, strict=True):
            if score <= 0:
                break
            passage = passages[index]
            if has_answer(answer_tokens(f"{passage.title} {passage.text}"), answers):
                positive = positive or passage
            elif len(negatives) < hard_negatives:
                negatives.append(passage)
        if positive is not None:
            yield {
                "id": question.question_id,
                "question": question.question,
                "answers": question.answers,
                "positive_ctxs": [asdict(positive)],
                "hard_negative_ctxs": [asdict(p) for p in negatives],
            }


def write_jsonl(rows: Iterable[Mapping[str, Any]], path: str | Path) -> int:
    """Write rows as JSON lines, atomically; returns how many."""
    count = 0
    with atomic_write(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def mine_dataset(spec: Mapping[str, Any], output: str | Path, threads: int = 1) -> int:
    """Mine one `mined_datasets[]` entry into a DPR-style JSONL file; returns its row count."""
    questions = read_questions(spec["source"]["questions"], spec["limit"])
    passages = read_passages(spec["source"]["passages"])
    name, top_k = spec["name"], spec["top_k"]
    logging.info("%s: %d questions, %d passages, BM25 top %d", name, len(questions), len(passages), top_k)
    kept = write_jsonl(mine_pairs(questions, passages, top_k, spec["hard_negatives"], threads), output)
    dropped = len(questions) - kept
    logging.info("%s: %d questions kept, %d dropped (no answer in their top %d)", name, kept, dropped, top_k)
    return kept
