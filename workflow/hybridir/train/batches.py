"""The texts of one step: this process's share of a batch, with prefixes and hard negatives.

A pair's hard negatives are the first `hard_negatives` of its passage row (in the passage's
language). One that equals a positive passage of the global batch (compared as
hybridir.text.comparable forms) would be a false negative: it is dropped and counted. A step also
says what the whole batch trained on (the training mix): its hard negatives and its queries and
passages per language.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from hybridir.text import comparable
from hybridir.train.options import TrainingOptions
from hybridir.train.samplers import Batch


@dataclass(frozen=True)
class StepTexts:
    """Queries, passages and hard negatives of one process; of the whole batch, the hard negatives
    dropped because they equal one of its positives, those kept, and its texts (queries and
    passages) per language."""

    queries: list[str]
    passages: list[str]
    negatives: list[str]
    dropped_negatives: int
    kept_negatives: int
    languages: dict[str, int]


def usable_pairs(batch: Batch, world: int) -> Sequence[tuple[int, int]]:
    """The pairs that `world` processes share equally (the remainder is left out)."""
    return batch.pairs[: len(batch.pairs) - len(batch.pairs) % world]


class BatchTexts:
    """Builds the StepTexts of a batch for process `rank` of `world`."""

    def __init__(self, corpus: pd.DataFrame, options: TrainingOptions, rank: int = 0, world: int = 1):
        self.questions = corpus["question"].to_numpy()
        self.passages = corpus["passage"].to_numpy()
        self.negatives = corpus["negative_passages"].to_numpy()
        self.langs = corpus["lang"].to_numpy()
        self.options = options
        self.rank, self.world = rank, world

    def hard_negatives(self, pairs: Sequence[tuple[int, int]]) -> list[list[str]]:
        """Each pair's kept hard negatives: its first `hard_negatives` that equal no positive."""
        positives = {comparable(self.passages[p]) for _, p in pairs}
        return [
            [text for text in self.negatives[p][: self.options.hard_negatives] if comparable(text) not in positives]
            for _, p in pairs
        ]

    def __call__(self, batch: Batch) -> StepTexts:
        pairs = usable_pairs(batch, self.world)
        kept = self.hard_negatives(pairs)
        offered = sum(min(len(self.negatives[p]), self.options.hard_negatives) for _, p in pairs)
        share = len(pairs) // self.world
        mine = slice(self.rank * share, (self.rank + 1) * share)
        query, passage = self.options.query_prefix, self.options.passage_prefix
        languages = Counter(self.langs[row] for pair in pairs for row in pair)
        return StepTexts(
            queries=[query + self.questions[q] for q, _ in pairs[mine]],
            passages=[passage + self.passages[p] for _, p in pairs[mine]],
            negatives=[passage + text for texts in kept[mine] for text in texts],
            dropped_negatives=offered - sum(map(len, kept)),
            kept_negatives=sum(map(len, kept)),
            languages=dict(sorted(languages.items())),
        )
