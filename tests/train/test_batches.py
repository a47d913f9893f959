"""A batch's texts: prefixes, hard negatives and their shares per process, and what the batch
trained on (hard negatives kept, texts per language)."""

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
            "lang": ["en", "de"],
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
    assert [h.kept_negatives for h in (two, one, none, *halves)] == [1, 0, 0, 1, 1]


def test_a_batch_counts_its_queries_and_passages_per_language() -> None:
    table = pairs_table([["Kiel lies on the sea."], []])
    mono = BatchTexts(table, hard_negatives(1))(Batch("x_x", "d", "en", ((0, 0),)))
    assert mono.languages == {"en": 2} and mono.kept_negatives == 1
    cross = BatchTexts(table, hard_negatives(1))(Batch("x_y", "d", None, ((0, 1), (1, 0))))
    assert cross.languages == {"de": 2, "en": 2} and list(cross.languages) == ["de", "en"]
    assert cross.kept_negatives == 1
