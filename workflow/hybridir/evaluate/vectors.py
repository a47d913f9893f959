"""Embeddings on disk: a folder of `.npy` shards whose rows, in order, are the rows of one table.

A vector folder holds `00000.npy`, `00001.npy`, ... (float16 or float32, one dimension for all):
shard k continues where shard k-1 ends, so row i of the table is row i of the shards put end to
end. `runtime.json` beside them records what wrote them (hybridir.devices.runtime_info). Readers
copy the rows they ask for out of the shards and convert them to float32, so a reader holds one
block in memory whatever the size of the table.
"""

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hybridir.atomic import atomic_write
from hybridir.errors import DataError

RUNTIME_FILE = "runtime.json"


def shard_name(number: int) -> str:
    return f"{number:05d}.npy"


def check_finite(vectors: np.ndarray, path: str | os.PathLike, first_row: int) -> None:
    """Every vector is finite: a NaN or Inf (a diverged model, an fp16 overflow) is an error naming its row."""
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        row = first_row + int(np.argmin(finite))
        raise DataError(
            f"{path}: row {row}: the embedding holds NaN or Inf ({int((~finite).sum())} such rows in its shard); "
            "check the model and evaluation.dtype"
        )


def write_vectors(
    path: str | os.PathLike,
    shards: Iterable[np.ndarray],
    dim: int,
    runtime: Mapping[str, Any] | None = None,
) -> int:
    """Write each array of `shards` (rows x dim) as the next shard of a vector folder, atomically;
    returns the number of rows. An empty table gets one empty shard, so its dimension is known."""
    rows = 0
    with atomic_write(path, directory=True) as tmp:
        number = 0
        for number, shard in enumerate(shards, start=1):
            if shard.ndim != 2 or shard.shape[1] != dim:
                raise DataError(f"{path}: shard {number - 1} has shape {shard.shape}, expected (rows, {dim})")
            check_finite(shard, path, rows)
            np.save(tmp / shard_name(number - 1), shard)
            rows += len(shard)
        if number == 0:
            np.save(tmp / shard_name(0), np.zeros((0, dim), dtype=np.float32))
        (tmp / RUNTIME_FILE).write_text(json.dumps(dict(runtime or {}), sort_keys=True))
    return rows


class VectorShards:
    """Read access to a vector folder: `rows`, `dim`, and float32 copies of row ranges or rows."""

    def __init__(self, path: str | os.PathLike, rows: int | None = None):
        self.path = Path(path)
        files = sorted(self.path.glob("*.npy"))
        if not files:
            raise DataError(f"{self.path}: no vector shards (*.npy); expected the output of the encode stage")
        expected = [shard_name(number) for number in range(len(files))]
        if [file.name for file in files] != expected:
            raise DataError(f"{self.path}: shards {[f.name for f in files]} are not numbered 00000.npy on")
        shapes = [np.load(file, mmap_mode="r").shape for file in files]
        if any(len(shape) != 2 or shape[1] != shapes[0][1] for shape in shapes):
            raise DataError(f"{self.path}: shards of shapes {shapes}, expected (rows, dim) with one dim")
        self.files = files
        self.bounds = np.concatenate([[0], np.cumsum([shape[0] for shape in shapes])])
        self.rows, self.dim = int(self.bounds[-1]), int(shapes[0][1])
        if rows is not None and rows != self.rows:
            raise DataError(f"{self.path}: {self.rows} vectors, expected {rows} (one per table row)")

    def runtime(self) -> dict[str, Any]:
        """What encoded these vectors (device, dtype, versions), as the encode job recorded it."""
        return json.loads((self.path / RUNTIME_FILE).read_text())

    def read(self, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
        """The rows of ascending, disjoint (start, stop) ranges, in order, as one float32 array (each
        shard opened once)."""
        parts = []
        first = np.searchsorted(self.bounds, [start for start, _ in ranges], side="right") - 1
        last = np.searchsorted(self.bounds, [stop - 1 for _, stop in ranges], side="right") - 1
        for number in sorted({n for a, b in zip(first, last, strict=True) for n in range(a, b + 1)}):
            shard = np.load(self.files[number], mmap_mode="r")
            low, high = self.bounds[number], self.bounds[number + 1]
            for start, stop in ranges:
                if start < high and stop > low:
                    parts.append(np.array(shard[max(start, low) - low : min(stop, high) - low], dtype=np.float32))
            del shard
        return np.concatenate(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The given rows (any order, repeats allowed) as a float32 array."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.rows):
            raise DataError(f"{self.path}: rows {rows.min()}..{rows.max()} asked for, the folder has {self.rows}")
        result = np.empty((len(rows), self.dim), dtype=np.float32)
        shard_of = np.searchsorted(self.bounds, rows, side="right") - 1
        for number in np.unique(shard_of):
            mine = np.flatnonzero(shard_of == number)
            shard = np.load(self.files[number], mmap_mode="r")
            result[mine] = shard[rows[mine] - self.bounds[number]]
            del shard
        return result

    def blocks(self, ranges: Sequence[tuple[int, int]], size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(row numbers, float32 rows) of consecutive blocks of at most `size` rows of the ranges."""
        for block in split_ranges(ranges, size):
            yield np.concatenate([np.arange(start, stop) for start, stop in block]), self.read(block)


def split_ranges(ranges: Sequence[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    """The rows of the ranges, in order, cut into blocks of `size` rows (the last one shorter)."""
    block: list[tuple[int, int]] = []
    room = size
    for start, stop in ranges:
        while start < stop:
            end = min(stop, start + room)
            block.append((start, end))
            room -= end - start
            start = end
            if room == 0:
                yield block
                block, room = [], size
    if block:
        yield block
