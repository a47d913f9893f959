"""Answer spans of SQuAD-format questions checked against their paragraph.

The answer text must equal the context at `answer_start`, compared after the normalisation of
SQuAD v1.1's evaluation script (lower case, punctuation removed, the articles a / an / the removed,
whitespace collapsed; punctuation here is every Unicode punctuation character, as MLQA's script has
it for its languages). When it does not, the answer is looked for in the context, exactly and then
ignoring case, and the occurrence nearest to `answer_start` is taken (`answer_moved`); an answer
found nowhere leaves its question without a relevant candidate (`answer_not_in_context`). A
question's fields are read by `read_question` (texts must be texts), and the counts of one file
are logged by `log_answer_checks`.
"""

import logging
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hybridir.errors import DataError
from hybridir.fetch.values import TextFields

ANSWER_MOVED = "answer_moved"
ANSWER_NOT_IN_CONTEXT = "answer_not_in_context"
ASCII_PUNCTUATION = frozenset(string.punctuation)
ARTICLES = re.compile(r"\b(a|an|the)\b")


def is_punctuation(char: str) -> bool:
    return char in ASCII_PUNCTUATION or unicodedata.category(char).startswith("P")


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(char for char in text.lower() if not is_punctuation(char))
    return " ".join(ARTICLES.sub(" ", text).split())


@dataclass(frozen=True)
class AnswerSpan:
    """Where an answer starts in its context (None: not in it), and why it is not where the file says."""

    start: int | None
    reason: str | None = None
    detail: str | None = None


def occurrences(context: str, answer: str) -> list[int]:
    """Start positions of `answer` in `context`: exact matches, or, without any, case-insensitive ones."""
    exact = [match.start() for match in re.finditer(f"(?={re.escape(answer)})", context)]
    if exact:
        return exact
    return [match.start() for match in re.finditer(f"(?={re.escape(answer)})", context, re.IGNORECASE)]


def locate_answer(context: str, answer: str, start: int) -> AnswerSpan:
    """The answer's span as given when the context holds it there, else its nearest occurrence."""
    if 0 <= start < len(context) and normalize_answer(context[start : start + len(answer)]) == normalize_answer(answer):
        return AnswerSpan(start)
    found = occurrences(context, answer) if answer.strip() else []
    if not found:
        return AnswerSpan(None, ANSWER_NOT_IN_CONTEXT, f"answer {answer!r} is not in the context")
    nearest = min(found, key=lambda position: (abs(position - start), position))
    return AnswerSpan(nearest, ANSWER_MOVED, f"answer_start {start} -> {nearest}")


@dataclass(frozen=True)
class Question:
    """A SQuAD-format question as read: id, text, answer text and the answer's given start."""

    qid: str
    text: str
    answer: str
    start: int


def read_question(qa: Any, where: str) -> Question:
    """A question of a `qas` list, its fields checked: texts must be texts, answer_start a number."""
    try:
        qid, answer = str(qa["id"]), qa["answers"][0]
        question, text, start = qa["question"], answer["text"], int(answer["answer_start"])
    except (KeyError, IndexError, TypeError, ValueError):
        found = qa.get("id") if isinstance(qa, Mapping) else qa
        raise DataError(f"{where}: question {found!r} lacks id, question, answer text or answer_start") from None
    fields = TextFields(where)  # texts as they are: an answer is looked for in its context as it is
    question = fields.text(question, where, "question", clean=False) or ""
    return Question(qid, question.strip(), fields.text(text, where, "answers[0].text", clean=False) or "", start)


def log_answer_checks(ledger: pd.DataFrame, path: str) -> None:
    """Count the moved and the missing answers of one file in the job log (a warning when any)."""
    counts = ledger["reason"].value_counts()
    moved, missing = int(counts.get(ANSWER_MOVED, 0)), int(counts.get(ANSWER_NOT_IN_CONTEXT, 0))
    if moved or missing:
        example = ledger.loc[ledger["reason"].notna(), "detail"].iloc[0]
        logging.warning(
            "%s: %d of %d answers not at their answer_start: %d moved to the nearest occurrence of their text "
            "(%s), %d questions dropped (%s); e.g. %s",
            path, moved + missing, len(ledger), moved, ANSWER_MOVED, missing, ANSWER_NOT_IN_CONTEXT, example,
        )  # fmt: skip
    else:
        logging.info("%s: all %d answers found at their answer_start", path, len(ledger))
