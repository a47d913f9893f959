"""The validation set: built once from the validation datasets and reused by every run.

Its pairs (empty ones left out, one per comparable question-and-passage) are shuffled with the
pipeline's seed and packed, in that order, into batches of `batch_size` in which no question and
no passage occurs twice (each pair goes to the first batch with room that holds neither). Every
run computes its validation loss on these same batches, so losses compare across strategies and
seeds, and no batch has a duplicate passage as a false negative.
"""

import logging

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.text import comparable

VALIDATION_COLUMNS = ["batch", "qa_id", "dataset", "question", "passage"]


def pack_batches(questions: list[str], passages: list[str], batch_size: int) -> list[int]:
    """Batch number of each pair, in order: the first batch with room holding neither its question
    nor its passage (compared as comparable forms)."""
    batches: list[set[str]] = []
    sizes: list[int] = []
    numbers = []
    for question, passage in zip(questions, passages, strict=True):
        keys = {"q:" + comparable(question), "p:" + comparable(passage)}
        number = next((b for b, held in enumerate(batches) if sizes[b] < batch_size and not keys & held), len(batches))
        if number == len(batches):
            batches.append(set())
            sizes.append(0)
        batches[number] |= keys
        sizes[number] += 1
        numbers.append(number)
    return numbers


def validation_set(qa: pd.DataFrame, batch_size: int, seed: int) -> pd.DataFrame:
    """The `validation` table of the pairs of `qa` tables (see the module docstring)."""
    empty = (qa["question"].str.strip() == "") | (qa["passage"].str.strip() == "")
    usable = qa[~empty]
    keys = pd.DataFrame({"q": usable["question"].map(comparable), "p": usable["passage"].map(comparable)})
    unique = usable[~keys.duplicated().to_numpy()]
    if unique.empty:
        raise DataError("the validation datasets have no non-empty question-passage pairs")
    shuffled = unique.iloc[np.random.default_rng(seed).permutation(len(unique))].reset_index(drop=True)
    batches = pack_batches(shuffled["question"].tolist(), shuffled["passage"].tolist(), batch_size)
    frame = shuffled.assign(batch=batches)[VALIDATION_COLUMNS]
    frame = frame.sort_values("batch", kind="stable").reset_index(drop=True)
    logging.info(
        "validation set: %d pairs (%d empty and %d duplicate left out) in %d batches of at most %d",
        len(frame), int(empty.sum()), len(usable) - len(unique), frame["batch"].nunique(), batch_size,
    )  # fmt: skip
    return frame
