"""Row numbers of a long `parallel` table by dataset, source pair and language, for the samplers.

A source pair is one `pair_id`: the id of the English pair that its translations come from
(translated datasets: the qa_id in every language; already-parallel sources: the id they share
across languages). Every text also gets a key of its comparable form (hybridir.text.comparable),
so that a batch can refuse a pair that shares a question or passage with a pair it holds.
The row choosers at the end pick a pair's query and passage rows for each batch kind.
"""

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.text import comparable

Pair = dict[str, int]  # language -> row of the table
RowChooser = Callable[[Pair, np.random.Generator], tuple[int, int]]  # (query row, passage row) of a pair


def text_keys(texts: pd.Series) -> np.ndarray:
    """A 64-bit hash per text of its comparable form (equal texts, equal keys)."""
    return pd.util.hash_pandas_object(texts.map(comparable), index=False).to_numpy()


class CorpusIndex:
    """Pairs of each dataset in the training languages: `pairs[dataset][i]` maps a language to
    its row; `by_lang[dataset][lang]` and `multilingual[dataset]` list pair positions."""

    def __init__(self, parallel: pd.DataFrame, languages: Sequence[str]):
        parallel = parallel.reset_index(drop=True)
        self.source_ids = parallel["pair_id"].to_numpy()
        self.keys = np.stack([text_keys(parallel["question"]), text_keys(parallel["passage"])], axis=1)
        self.pairs: dict[str, list[Pair]] = {}
        self.by_lang: dict[str, dict[str, list[int]]] = {}
        self.multilingual: dict[str, list[int]] = {}
        trained = parallel[parallel["lang"].isin(languages)]
        for dataset, frame in trained.groupby("dataset", sort=True):
            pairs = [dict(zip(g["lang"], g.index, strict=True)) for _, g in frame.groupby("pair_id", sort=True)]
            self.pairs[dataset] = pairs
            self.by_lang[dataset] = {
                lang: [i for i, pair in enumerate(pairs) if lang in pair] for lang in sorted(frame["lang"].unique())
            }
            self.multilingual[dataset] = [i for i, pair in enumerate(pairs) if len(pair) >= 2]
        if not self.pairs:
            raise DataError(f"the training corpus has no pairs in the training languages {list(languages)}")

    def languages(self) -> list[str]:
        """Languages that some dataset has, sorted."""
        return sorted({lang for by in self.by_lang.values() for lang in by})

    def pair_keys(self, pair: Pair) -> set[int]:
        """Keys of every question and passage of a pair, in all its languages."""
        return {int(key) for row in pair.values() for key in self.keys[row]}


def same_language(lang: str) -> RowChooser:
    """Query and passage rows of a pair in `lang`."""
    return lambda pair, _: (pair[lang], pair[lang])


def random_language(pair: Pair, rng: np.random.Generator) -> tuple[int, int]:
    """Query and passage rows of a pair in one language drawn uniformly from the pair's."""
    langs = sorted(pair)
    lang = langs[int(rng.integers(len(langs)))]
    return pair[lang], pair[lang]


def cross_rows(pair: Pair, rng: np.random.Generator) -> tuple[int, int]:
    """Query and passage rows of a pair in two different languages, uniform over ordered pairs."""
    langs = sorted(pair)
    query = int(rng.integers(len(langs)))
    passage = int(rng.integers(len(langs) - 1))
    passage += passage >= query
    return pair[langs[query]], pair[langs[passage]]
