"""A batch's texts: prefixes, hard negatives and their shares per process."""

import pandas as pd

from hybridir.train.batches import BatchTexts
from hybridir.train.options import TrainingOptions
from hybridir.train.samplers import Batch


def pairs_table(negatives: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question": ["Where is Ulm?", "Where is Bonn?"],
            "passage": ["Ulm lies on the Danube.", "Bonn lies on the Rhine."],
            "negative_passages": negatives,
        }
    )


def hard_negatives(count: int) -> TrainingOptions:
    return TrainingOptions.from_schema(strategy="x_x", seed=0, hard_negatives=count)


def test_a_hard_negative_equal_to_a_positive_of_its_batch_is_dropped_and_counted() -> None:
    table = pairs_table([["BONN lies  on the Rhine.", "Kiel lies on the sea."], ["Ulm lies on the Danube."]])
    batch = Batch("x_x", "d", "en", ((0, 0), (1, 1)))
    two = BatchTexts(table, hard_negatives(2))(batch)
    assert two.negatives == ["Passage: Kiel lies on the sea."] and two.dropped_negatives == 2
    one = BatchTexts(table, hard_negatives(1))(batch)
    assert one.negatives == [] and one.dropped_negatives == 2
    none = BatchTexts(table, hard_negatives(0))(batch)
    assert none.negatives == [] and none.dropped_negatives == 0
    halves = [BatchTexts(table, hard_negatives(2), rank, 2)(batch) for rank in (0, 1)]
    assert [h.queries for h in halves] == [["Query: Where is Ulm?"], ["Query: Where is Bonn?"]]
    assert [h.negatives for h in halves] == [["Passage: Kiel lies on the sea."], []]
