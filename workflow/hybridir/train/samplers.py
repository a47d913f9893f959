"""Batch samplers: the paper's x_x, x_y and hybrid, and LAReQA's baselines en_en and x_x_mixed
(each strategy's record in hybridir.vocabulary.STRATEGIES names its sampler class).

- x_x: one language per batch; every query and passage of the batch is in it (LAReQA's X-X-mono).
- x_y: every pair's query language differs from its passage language, drawn uniformly over the
  ordered language pairs that pair has; languages vary within the batch.
- hybrid: an x_x batch with probability alpha, else an x_y batch.
- en_en: x_x batches in English only (LAReQA's En-En).
- x_x_mixed: every pair monolingual, its language drawn uniformly from the pair's languages, so
  one batch mixes languages (LAReQA's X-X).
Each batch comes from one dataset, weighted among the datasets that can fill the batch by its
number of usable pairs (`dataset_sampling: proportional`, the paper's "based on dataset size"),
equally (`uniform`), or by pairs^(1/T) (`temperature`, T = `dataset_temperature`). For x_x,
`sampling_order: language_first` draws the language uniformly from the training languages, then
the dataset among those that have it (an English-only dataset feeds English batches only, in
proportion to its size there); `dataset_first` draws the dataset among all, then the language
uniformly among the dataset's languages. A batch never holds two pairs of one source pair, and
with `duplicate_pairs: drop` never two pairs sharing a question or passage (compared as
hybridir.text.comparable forms, in any of their languages): no false in-batch negatives. A
schedule is a pure function of the seed: every process of a distributed run computes the same.
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from hybridir.errors import ConfigError, DataError
from hybridir.train.index import CorpusIndex, RowChooser, cross_rows, random_language, same_language
from hybridir.train.options import TrainingOptions
from hybridir.vocabulary import STRATEGIES, X_X, X_X_MIXED, X_Y


@dataclass(frozen=True)
class Batch:
    """One step: its kind (the strategy whose batches it is like: x_x, x_y, x_x_mixed), dataset,
    language (x_x only) and (query row, passage row) pairs."""

    kind: str
    dataset: str
    lang: str | None
    pairs: tuple[tuple[int, int], ...]


def dataset_weights(sizes: Sequence[int], options: TrainingOptions) -> np.ndarray:
    """Probabilities of datasets with `sizes` usable pairs under `options.dataset_sampling`."""
    sizes = np.asarray(sizes, dtype=float)
    if options.dataset_sampling == "uniform":
        weights = np.ones_like(sizes)
    elif options.dataset_sampling == "temperature":
        weights = sizes ** (1 / options.dataset_temperature)
    else:
        weights = sizes
    return weights / weights.sum()


class Sampler(ABC):
    """Draws batches of `options.batch_size` pairs from one dataset each; subclasses say which."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], options: TrainingOptions):
        self.index = index
        self.languages = [lang for lang in languages if lang in index.languages()]
        self.options = options

    def draw_dataset(self, pools: dict[str, Sequence[int]], rng: np.random.Generator) -> str:
        """A dataset among those with a non-empty pool, weighted by its pool's size."""
        candidates = sorted(d for d, pool in pools.items() if pool)
        weights = dataset_weights([len(pools[d]) for d in candidates], self.options)
        return candidates[rng.choice(len(candidates), p=weights)]

    def fill(self, dataset: str, pool: Sequence[int], choose: RowChooser, rng: np.random.Generator) -> tuple:
        """Pairs of `pool` in random order, rows chosen by `choose`, until the batch is full; with
        duplicate_pairs: drop, a pair sharing a text with one already taken is skipped."""
        pairs = self.index.pairs[dataset]
        drop = self.options.duplicate_pairs == "drop"
        seen: set[int] = set()
        batch = []
        for position in self._order(len(pool), rng):
            pair = pairs[pool[position]]
            if drop:
                keys = self.index.pair_keys(pair)
                if keys & seen:
                    continue
                seen |= keys
            query, passage = choose(pair, rng)
            batch.append((int(query), int(passage)))
            if len(batch) == self.options.batch_size:
                break
        return tuple(batch)

    def _order(self, size: int, rng: np.random.Generator) -> Iterator[int]:
        """Distinct random positions: a permutation of a small pool, lazy draws from a large one."""
        if size <= 4 * self.options.batch_size:
            yield from (int(p) for p in rng.permutation(size))
            return
        used: set[int] = set()
        while len(used) < size:
            position = int(rng.integers(size))
            if position not in used:
                used.add(position)
                yield position

    @abstractmethod
    def batch(self, rng: np.random.Generator) -> Batch:
        """The next batch."""


class XXSampler(Sampler):
    """Monolingual batches, in the order of `options.sampling_order` (see the module docstring)."""

    def batch(self, rng: np.random.Generator) -> Batch:
        if self.options.sampling_order == "dataset_first":
            dataset = self.draw_dataset({d: pairs for d, pairs in self.index.pairs.items()}, rng)
            langs = [lang for lang in self.languages if lang in self.index.by_lang[dataset]]
            return self.in_language(dataset, langs[int(rng.integers(len(langs)))], rng)
        lang = self.languages[int(rng.integers(len(self.languages)))]
        return self.in_language(self.draw_dataset(self.pools(lang), rng), lang, rng)

    def pools(self, lang: str) -> dict[str, list[int]]:
        return {d: by.get(lang, []) for d, by in self.index.by_lang.items()}

    def in_language(self, dataset: str, lang: str, rng: np.random.Generator) -> Batch:
        pairs = self.fill(dataset, self.index.by_lang[dataset][lang], same_language(lang), rng)
        return Batch(X_X, dataset, lang, pairs)


class EnEnSampler(XXSampler):
    """x_x batches in English only."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], options: TrainingOptions):
        super().__init__(index, languages, options)
        if "en" not in self.languages:
            raise DataError("strategy en_en: the training corpus has no English pairs")

    def batch(self, rng: np.random.Generator) -> Batch:
        return self.in_language(self.draw_dataset(self.pools("en"), rng), "en", rng)


class XXMixedSampler(Sampler):
    """Batches of monolingual pairs in languages drawn per pair."""

    def batch(self, rng: np.random.Generator) -> Batch:
        dataset = self.draw_dataset({d: range(len(pairs)) for d, pairs in self.index.pairs.items()}, rng)
        pool = range(len(self.index.pairs[dataset]))
        return Batch(X_X_MIXED, dataset, None, self.fill(dataset, pool, random_language, rng))


class XYSampler(Sampler):
    """Cross-lingual batches: query language != passage language for every pair."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], options: TrainingOptions):
        super().__init__(index, languages, options)
        if not any(self.index.multilingual.values()):
            raise DataError("x_y batches need pairs in two languages; no dataset of the corpus has any")

    def batch(self, rng: np.random.Generator) -> Batch:
        dataset = self.draw_dataset(self.index.multilingual, rng)
        return Batch(X_Y, dataset, None, self.fill(dataset, self.index.multilingual[dataset], cross_rows, rng))


class HybridSampler(Sampler):
    """x_x batches with probability alpha, x_y batches otherwise."""

    def __init__(self, index: CorpusIndex, languages: Sequence[str], options: TrainingOptions):
        super().__init__(index, languages, options)
        self.x_x = XXSampler(index, languages, options) if options.alpha > 0 else None
        self.x_y = XYSampler(index, languages, options) if options.alpha < 1 else None

    def batch(self, rng: np.random.Generator) -> Batch:
        return (self.x_x if rng.random() < self.options.alpha else self.x_y).batch(rng)


SAMPLERS: dict[str, type[Sampler]] = {
    sampler.__name__: sampler for sampler in (EnEnSampler, XXSampler, XXMixedSampler, XYSampler, HybridSampler)
}


def check_batch_size(index: CorpusIndex, batch_size: int) -> None:
    """A batch never repeats a pair: a batch size above every dataset's pair count is an error, above
    some datasets' a warning (their batches are smaller)."""
    sizes = {dataset: len(pairs) for dataset, pairs in index.pairs.items()}
    small = {dataset: size for dataset, size in sizes.items() if size < batch_size}
    shown = ", ".join(f"{dataset}: {size} pairs" for dataset, size in small.items())
    if small == sizes:
        raise ConfigError(
            f"config key training.batch_size: {batch_size} is larger than every dataset of the training corpus "
            f"({shown}); a batch never holds a pair twice"
        )
    if small:
        logging.warning(
            "training.batch_size %d is larger than datasets %s: their batches are smaller", batch_size, shown
        )


def make_sampler(index: CorpusIndex, languages: Sequence[str], options: TrainingOptions) -> Sampler:
    """The sampler of `options.strategy` (an UnknownName error lists the strategies)."""
    return SAMPLERS[STRATEGIES[options.strategy].sampler](index, languages, options)


def schedule(sampler: Sampler, steps: int, seed: int) -> list[Batch]:
    """The batches of `steps` training steps: the same for every process given the same seed."""
    rng = np.random.default_rng(seed)
    return [sampler.batch(rng) for _ in range(steps)]
