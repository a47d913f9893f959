"""Batch samplers of the paper: x_x (monolingual), x_y (cross-lingual) and hybrid.

- x_x: the batch's language is drawn uniformly from the training languages; every query and
  passage of the batch is in that language.
- x_y: every pair has a query language different from its passage language, both drawn
  uniformly from the languages that pair has; languages vary within the batch.
- hybrid: x_x with probability alpha, else x_y.
Each batch comes from one source dataset, drawn proportionally to its number of pairs among the
datasets that can fill it: an x_x batch in language L draws among the datasets that have L (so
an English-only dataset, like Mr. TyDi or MFAQ in the paper, feeds English x_x batches only),
an x_y batch among the datasets with two or more languages. No question or passage text occurs
twice in a batch. A schedule is a pure function of the seed, so every rank of a distributed run
computes the same one and agrees on each step's batch type and language.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

STRATEGIES = ("x_x", "x_y", "hybrid")
RowChooser = Callable[[dict[str, int], np.random.Generator], tuple[int, int]]


@dataclass(frozen=True)
class Batch:
    """One step: its type, dataset, language (x_x only) and (query row, passage row) pairs."""

    kind: str
    dataset: str
    lang: str | None
    pairs: tuple[tuple[int, int], ...]


class CorpusIndex:
    """Row numbers of a long `parallel` table, by dataset, pair and language."""

    def __init__(self, parallel: pd.DataFrame):
        parallel = parallel.reset_index(drop=True)
        self.questions = parallel["question"].to_numpy()
        self.passages = parallel["passage"].to_numpy()
        self.pairs: dict[str, list[dict[str, int]]] = {}
        self.by_lang: dict[str, dict[str, list[int]]] = {}
        self.multilingual: dict[str, list[int]] = {}
        for dataset, frame in parallel.groupby("dataset", sort=True):
            pairs = [dict(zip(g["lang"], g.index, strict=True)) for _, g in frame.groupby("pair_id", sort=True)]
            self.pairs[dataset] = pairs
            for lang in sorted({lang for pair in pairs for lang in pair}):
                self.by_lang.setdefault(dataset, {})[lang] = [i for i, p in enumerate(pairs) if lang in p]
            self.multilingual[dataset] = [i for i, p in enumerate(pairs) if len(p) >= 2]

    def size(self, dataset: str) -> int:
        return len(self.pairs[dataset])


class Sampler:
    """Draws batches of `batch_size` pairs from one dataset each; subclasses choose languages."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], batch_size: int):
        self.index = index
        self.languages = [lang for lang in languages if any(lang in by for by in index.by_lang.values())]
        self.batch_size = batch_size

    def draw_dataset(self, candidates: Sequence[str], rng: np.random.Generator) -> str:
        """A dataset drawn proportionally to its number of pairs."""
        sizes = np.array([self.index.size(d) for d in candidates], dtype=float)
        return candidates[rng.choice(len(candidates), p=sizes / sizes.sum())]

    def fill(
        self, dataset: str, pool: Sequence[int], choose: RowChooser, rng: np.random.Generator
    ) -> tuple[tuple[int, int], ...]:
        """Pairs of `pool` in random order, their rows chosen by `choose`, no text twice, until full."""
        pairs = self.index.pairs[dataset]
        seen: set[str] = set()
        batch = []
        for position in self._order(len(pool), rng):
            query, passage = choose(pairs[pool[position]], rng)
            texts = (self.index.questions[query], self.index.passages[passage])
            if texts[0] in seen or texts[1] in seen:
                continue
            seen.update(texts)
            batch.append((int(query), int(passage)))
            if len(batch) == self.batch_size:
                break
        return tuple(batch)

    def _order(self, size: int, rng: np.random.Generator) -> Iterator[int]:
        """Distinct random positions: a permutation of a small pool, lazy draws from a large one."""
        if size <= 4 * self.batch_size:
            yield from (int(p) for p in rng.permutation(size))
            return
        used: set[int] = set()
        while len(used) < size:
            position = int(rng.integers(size))
            if position not in used:
                used.add(position)
                yield position


class XXSampler(Sampler):
    """Monolingual batches: one language per batch, uniform over the training languages."""

    def batch(self, rng: np.random.Generator) -> Batch:
        lang = self.languages[int(rng.integers(len(self.languages)))]
        dataset = self.draw_dataset([d for d, by in self.index.by_lang.items() if lang in by], rng)
        pairs = self.fill(dataset, self.index.by_lang[dataset][lang], lambda pair, _: (pair[lang], pair[lang]), rng)
        return Batch("x_x", dataset, lang, pairs)


def cross_rows(pair: dict[str, int], rng: np.random.Generator) -> tuple[int, int]:
    """Query and passage rows of a pair in two different languages, uniform over ordered pairs."""
    langs = sorted(pair)
    query = int(rng.integers(len(langs)))
    passage = int(rng.integers(len(langs) - 1))
    passage += passage >= query
    return pair[langs[query]], pair[langs[passage]]


class XYSampler(Sampler):
    """Cross-lingual batches: query language != passage language for every pair."""

    def batch(self, rng: np.random.Generator) -> Batch:
        dataset = self.draw_dataset([d for d, pool in self.index.multilingual.items() if pool], rng)
        return Batch("x_y", dataset, None, self.fill(dataset, self.index.multilingual[dataset], cross_rows, rng))


class HybridSampler(Sampler):
    """x_x batches with probability alpha, x_y batches otherwise."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], batch_size: int, alpha: float):
        super().__init__(index, languages, batch_size)
        self.alpha = alpha
        self.x_x = XXSampler(index, languages, batch_size)
        self.x_y = XYSampler(index, languages, batch_size)

    def batch(self, rng: np.random.Generator) -> Batch:
        return (self.x_x if rng.random() < self.alpha else self.x_y).batch(rng)


def make_sampler(
    strategy: str, index: CorpusIndex, languages: Sequence[str], batch_size: int, alpha: float = 0.5
) -> Sampler:
    """The sampler of a strategy name (x_x, x_y or hybrid)."""
    if strategy == "x_x":
        return XXSampler(index, languages, batch_size)
    if strategy == "x_y":
        return XYSampler(index, languages, batch_size)
    if strategy == "hybrid":
        return HybridSampler(index, languages, batch_size, alpha)
    raise ValueError(f"unknown strategy {strategy!r}; allowed: {', '.join(STRATEGIES)}")


def schedule(sampler: Sampler, steps: int, seed: int) -> list[Batch]:
    """The batches of `steps` training steps: the same for every process given the same seed."""
    rng = np.random.default_rng(seed)
    return [sampler.batch(rng) for _ in range(steps)]
