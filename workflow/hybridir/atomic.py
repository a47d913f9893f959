"""Atomic outputs: write to a temporary sibling, rename onto the final name once complete.

A killed job or a full disk never leaves a file (or folder) under its final name that a later
job would trust: the temporary sibling is removed on any error, and a stale one from a killed
process is removed before the next write.
"""

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hybridir.errors import DataError


def temporary_sibling(path: Path) -> Path:
    """The hidden sibling of `path` that is written first (one per process)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_stale(path: Path) -> None:
    """Temporary siblings left by killed processes."""
    for stale in path.parent.glob(f".{path.name}.tmp-*"):
        _remove(stale)


@contextmanager
def atomic_write(path: str | os.PathLike, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write `path`'s content to (a file, or a folder when `directory`);
    on success it replaces `path`, on any error it is removed and `path` is left as it was.
    A full disk (ENOSPC) is re-raised as a DataError that names the file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(path)
    tmp = temporary_sibling(path)
    if directory:
        tmp.mkdir()
    try:
        yield tmp
        if directory:
            _remove(path)
        os.replace(tmp, path)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise DataError(f"{path}: no space left on device while writing it; nothing was written") from error
        raise
    finally:
        if tmp.exists() or tmp.is_symlink():
            _remove(tmp)
