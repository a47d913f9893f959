"""Reading rows from the Hugging Face Hub or from files, one code path for both.

A source is a Hub dataset id ("owner/name"), or a file: a local path, an URL or an fsspec
chain (hf://datasets/..., https://..., zip://...::https://...) ending in .jsonl, .json,
.parquet, .csv or .tsv (optionally .gz). Rows are always streamed, so `limit` reads only what
it needs and nothing is cached behind the user's back.
"""

import csv
import itertools
import json
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import datasets
import fsspec

from hybridir.errors import DataError
from hybridir.locations import FILE_BUILDERS, data_suffix, is_file_source, local_files
from hybridir.network import network_problem

BUILDER_OPTIONS: dict[str, dict[str, Any]] = {".tsv": {"delimiter": "\t", "quoting": csv.QUOTE_NONE}}
# What a local, HTTP or zip:: read raises when the file is cut short or unreadable.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, aiohttp.ClientError)


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Turn the errors of opening and parsing a local or remote file into DataErrors naming it; a
    network fault is said in words (hybridir.network.network_problem)."""
    try:
        yield
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(f"{where}: not valid JSON: {error}") from error
    except READ_ERRORS as error:
        problem = network_problem(error)
        if problem:
            raise DataError(f"{where}: {problem}") from error
        if isinstance(error, FileNotFoundError):
            raise DataError(f"{where}: file not found") from None
        raise DataError(f"{where}: cannot be read (incomplete download?): {type(error).__name__}: {error}") from error


def read_json(path: str) -> Any:
    """Parse a local or remote JSON file (any fsspec chain); errors name the file and the problem."""
    with reading(path), fsspec.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def read_json_files(source: str) -> list[tuple[str, Any]]:
    """(path, content) of every JSON file that `source` names, in path order; globs are allowed,
    also inside a chain (zip://dir/*.json::https://.../x.zip)."""
    with reading(source):
        files = sorted(fsspec.open_files(source, "rt", encoding="utf-8"), key=lambda file: file.path)
    if not files:
        raise DataError(f"{source}: no file matches")
    contents = []
    for file in files:
        with reading(f"{source} ({file.path})"), file as handle:
            contents.append((file.path, json.load(handle)))
    return contents


def check_answers(source: str) -> None:
    """An http(s) file (or the outer file of a chain) answers, checked before `datasets` reads it:
    a refused, failing or silent server is an error naming the URL and the fault (where `datasets`
    would only say that it finds no file)."""
    outer = source.split("::")[-1]
    if outer.startswith(("http://", "https://")) and not any(char in outer for char in "*?["):
        with reading(source):
            fsspec.filesystem(outer.split("://")[0]).info(outer)


def stream_rows(
    source: str,
    subset: str | None = None,
    split: str = "train",
    limit: int | None = None,
    **builder_kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Stream up to `limit` rows of a Hub dataset or a file as dicts; errors name the source."""
    if is_file_source(source):
        if any(not Path(path).is_file() for path in local_files(source)):
            raise DataError(f"{source}: file not found")
        suffix = data_suffix(source)
        builder = FILE_BUILDERS[suffix]
        args: tuple[Any, ...] = (builder,)
        kwargs = {**BUILDER_OPTIONS.get(suffix, {}), **builder_kwargs, "data_files": source, "split": "train"}
        what = f"{source} (read as {builder})"
        check_answers(source)
    else:
        args = (source, subset)
        kwargs = {**builder_kwargs, "split": split}
        what = f"Hub dataset {source} (subset {subset}, split {split})"
    try:
        rows = datasets.load_dataset(*args, streaming=True, **kwargs)
        yield from itertools.islice(iter(rows), limit)
    except DataError:
        raise
    except StopIteration as error:  # the json builder's schema inference on an empty file
        raise DataError(f"{what}: no rows (the file is empty)") from error
    except Exception as error:
        problem = network_problem(error) or f"cannot be read: {type(error).__name__}: {error}"
        raise DataError(f"{what}: {problem}") from error


def stream_columns(source: str, *names: str) -> Iterator[dict[str, str]]:
    """Stream a header-less CSV/TSV as string columns `names` (a text such as "NA" or "null" stays
    text); a short row is an error."""
    features = datasets.Features({name: datasets.Value("string") for name in names})
    rows = stream_rows(source, column_names=list(names), features=features, keep_default_na=False)
    for number, row in enumerate(rows):
        if any(row[name] is None for name in names):
            raise DataError(f"{source}: row {number}: expected {len(names)} columns ({', '.join(names)})")
        yield row


def pluck(row: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path: an integer segment indexes a list, '*' maps over one."""
    head, _, rest = path.partition(".")
    if head == "*":
        if not isinstance(row, list):
            raise KeyError(path)
        return [pluck(item, rest) if rest else item for item in row]
    if isinstance(row, list):
        if not head.isdigit() or int(head) >= len(row):
            raise KeyError(path)
        value = row[int(head)]
    else:
        if head not in row:
            raise KeyError(path)
        value = row[head]
    return pluck(value, rest) if rest else value


def field(row: Mapping[str, Any], path: str, where: str, key: str) -> Any:
    """`pluck` whose error names the source row, the field and the config key to fix."""
    try:
        return pluck(row, path)
    except KeyError:
        raise DataError(f"{where}: no field {path!r} (the row has {sorted(row)}); check config key {key}") from None


def matches(row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    """Whether a row has every column value that `where` asks for."""
    return all(row.get(column) == value for column, value in where.items())
