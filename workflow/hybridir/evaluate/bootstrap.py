"""Bootstrap resampling: draws of questions (and seeds), resampled cell means, percentile intervals
and bootstrap p-values.

A question is one unit with its parallel versions in every language: a resample draws question
ids with replacement (multinomial counts per question) and keeps all their queries, in every
cell at once: with per-question sums S and query counts N (hybridir.evaluate.cells), the cell
means of resamples with counts C (resamples x questions) are (C @ S) / (C @ N). Resamples are
drawn in blocks of at most BLOCK, fewer where there are many questions (at most DRAWS draws held
at once: bounded memory for BUCC's hundreds of thousands of sentences); a generator gives the same
draws whatever the blocks.

Intervals are central 95% percentile intervals (Efron & Tibshirani 1993, An Introduction to the
Bootstrap, ch. 13). The p-value of a difference is two-sided from its bootstrap distribution:
twice the smaller share of resampled differences at or beyond zero on one side, with 1 added to
count and total so that it is never 0 (Davison & Hinkley 1997, Bootstrap Methods, 4.4); it is
below 0.05 exactly when 0 lies outside the 95% interval, up to that 1.
"""

from collections.abc import Iterator

import numpy as np

from hybridir.evaluate.cells import Cells

CONFIDENCE = 0.95
BLOCK = 1000
DRAWS = 2**24
TOLERANCE = 1e-12


def blocks(total: int, units: int = 1) -> Iterator[int]:
    """Sizes of the blocks that `total` resamples of `units` draws each are drawn in."""
    size = max(1, min(BLOCK, DRAWS // max(units, 1)))
    for start in range(0, total, size):
        yield min(size, total - start)


def draw_counts(units: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Times each unit is drawn (size x units) in `size` resamples of `units` draws with
    replacement: multinomial counts, from uniform draws of unit indices."""
    drawn = rng.integers(0, units, size=(size, units)) + units * np.arange(size)[:, None]
    return np.bincount(drawn.ravel(), minlength=size * units).reshape(size, units).astype(np.float64)


def _distinct_columns(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of `matrix` and, per column, the index of its distinct column (columns
    compared as raw bytes, faster than np.unique(axis=1))."""
    rows = np.ascontiguousarray(matrix.T)
    as_bytes = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel()
    _, first, column = np.unique(as_bytes, return_index=True, return_inverse=True)
    return matrix[:, first], column


def question_means(counts: np.ndarray, sums: list[np.ndarray], draws: np.ndarray) -> list[np.ndarray]:
    """Cell means (resamples x cells) of each per-question sums matrix, all with query counts
    `counts`, under question resamples `draws`; NaN where a resample holds no query of a cell.
    Cells with the same query counts share one product for the counts."""
    distinct, column = _distinct_columns(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        denominator = (draws @ distinct)[:, column]
        return [(draws @ s) / denominator for s in sums]


def bootstrap(cell_sums: Cells, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Cell means (resamples x cells) of bootstrap resamples of one run's questions."""
    questions = len(cell_sums.questions)
    means = [
        question_means(cell_sums.counts, [cell_sums.sums], draw_counts(questions, size, rng))[0]
        for size in blocks(resamples, questions)
    ]
    return np.concatenate(means)


def percentile_interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central CONFIDENCE percentile interval of each column of `samples` (NaN ignored)."""
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return low, high


def two_sided_p(differences: np.ndarray) -> np.ndarray:
    """Bootstrap p-value of each column of resampled differences (resamples x columns) against 0."""
    below = (differences <= TOLERANCE).sum(axis=0)
    above = (differences >= -TOLERANCE).sum(axis=0)
    return np.minimum(1.0, 2 * (1 + np.minimum(below, above)) / (1 + len(differences)))
