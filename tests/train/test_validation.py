"""The validation set of early stopping."""

import pandas as pd

from hybridir.train.validation import pack_batches, validation_set


def test_validation_batches_are_packed_first_fit_without_a_repeated_text() -> None:
    questions, passages = ["q1", "q2", "q3", "q4", "Q1"], ["p1", "p1", "p2", "p3", "p4"]
    assert pack_batches(questions, passages, 2) == [0, 1, 0, 1, 2]


def test_the_validation_set_is_deduplicated_shuffled_and_fixed() -> None:
    rows = [(f"v/{i}", f"Question {i % 30}?", f"Passage {i % 12}.") for i in range(60)]
    rows += [("v/empty", " ", "Passage 1."), ("v/case", "QUESTION 1?", "passage  1.")]
    qa = pd.DataFrame(rows, columns=["qa_id", "question", "passage"]).assign(dataset="v")
    frame = validation_set(qa, batch_size=8, seed=1)
    assert len(frame) == 60 and "v/empty" not in set(frame["qa_id"]) and "v/case" not in set(frame["qa_id"])
    for _, batch in frame.groupby("batch"):
        assert len(batch) <= 8 and batch["passage"].is_unique and batch["question"].is_unique
    assert frame.equals(validation_set(qa, batch_size=8, seed=1))
    assert not frame["qa_id"].equals(validation_set(qa, batch_size=8, seed=2)["qa_id"])
    assert frame["qa_id"].tolist() != sorted(frame["qa_id"], key=lambda i: int(i.split("/")[1]))
