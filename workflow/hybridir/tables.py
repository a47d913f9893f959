"""Parquet tables with a JSON schema each: checked on write and on read, written atomically."""

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hybridir import __version__
from hybridir.atomic import atomic_write
from hybridir.errors import DataError
from hybridir.schemas import table_schema

PROVENANCE_KEY = b"hybridir"
# rows per Parquet row group: a reader that streams a table (read_table_chunks) holds one group at a time
ROW_GROUP_ROWS = 65_536

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def _column_type(table: str, column: str, spec: Mapping[str, Any]) -> tuple[pa.DataType, bool]:
    """Arrow type and nullability of one column from its JSON-schema property."""
    types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    nullable = "null" in types
    (kind,) = [t for t in types if t != "null"]
    if kind == "array":
        item = spec["items"]["type"]
        return pa.list_(_ARROW_TYPES[item]), nullable
    if kind not in _ARROW_TYPES:
        raise DataError(f"schema of table {table!r}: column {column!r} has unsupported type {kind}")
    return _ARROW_TYPES[kind], nullable


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema that a table's JSON schema describes, columns in schema order."""
    schema = table_schema(table)
    fields = []
    for column, spec in schema["properties"].items():
        arrow_type, nullable = _column_type(table, column, spec)
        fields.append(pa.field(column, arrow_type, nullable=nullable))
    return pa.schema(fields)


def _check_columns(columns: list[str], table: str, where: str) -> None:
    expected = list(table_schema(table)["properties"])
    missing = [c for c in expected if c not in columns]
    extra = [c for c in columns if c not in expected]
    if missing or extra:
        raise DataError(
            f"{where}: columns do not match table {table!r}: missing {missing}, unexpected {extra}; "
            f"expected exactly {expected}"
        )


def _check_values(data: pa.Table, table: str, where: str, key: bool = True) -> None:
    """Non-nullable columns hold no nulls and (with `key`) the primary key is unique."""
    schema = arrow_schema(table)
    for field in schema:
        column = data.column(field.name)
        if not field.nullable and column.null_count:
            row = column.to_pandas().isna().to_numpy().argmax()
            raise DataError(f"{where}: row {row}: column {field.name!r} is null, which {table!r} forbids")
    columns = table_schema(table).get("x-primary-key")
    if key and columns and data.num_rows:
        frame = data.select(columns).to_pandas()
        duplicated = frame.duplicated()
        if duplicated.any():
            row = int(duplicated.to_numpy().argmax())
            values = frame.iloc[row].to_dict()
            raise DataError(f"{where}: row {row}: duplicate primary key {values} in table {table!r}")


def to_arrow(frame: pd.DataFrame, table: str, where: str = "data frame") -> pa.Table:
    """Convert a data frame to an Arrow table of `table`'s schema, checking it."""
    _check_columns(list(frame.columns), table, where)
    schema = arrow_schema(table)
    loose = pa.schema([field.with_nullable(True) for field in schema])
    try:
        data = pa.Table.from_pandas(frame[schema.names], schema=loose, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise DataError(f"{where}: values do not fit table {table!r}: {error}") from error
    _check_values(data, table, where)
    return data.cast(schema)


def config_digest(section: Any) -> str:
    """A stable SHA-256 of a JSON-serialisable config section (key order does not matter)."""
    text = json.dumps(section, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def provenance(
    table: str,
    config: Any,
    seed: int | None,
    runtime: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Metadata stored in each Parquet file: which table, library version, config and seed, and,
    for tables computed on a device, the runtime (hybridir.devices.runtime_info), and the settings
    that a reader should see in full (a training run's options)."""
    meta = {
        "table": table,
        "hybridir_version": __version__,
        "config_sha256": config_digest(config),
        "seed": seed,
    }
    if runtime is not None:
        meta["runtime"] = dict(runtime)
    if settings is not None:
        meta["settings"] = dict(settings)
    return meta


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike,
    table: str,
    config: Any = None,
    seed: int | None = None,
    runtime: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> None:
    """Check `frame` against `table`'s schema and write it to `path` atomically, with provenance."""
    path = Path(path)
    data = to_arrow(frame, table, where=str(path))
    meta = dict(data.schema.metadata or {})
    meta[PROVENANCE_KEY] = json.dumps(provenance(table, config, seed, runtime, settings), sort_keys=True).encode()
    data = data.replace_schema_metadata(meta)
    with atomic_write(path) as tmp:
        pq.write_table(data, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)


def write_table_chunks(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    table: str,
    config: Any = None,
    seed: int | None = None,
    runtime: Mapping[str, Any] | None = None,
) -> int:
    """Write the data frames of `chunks`, in order, as one Parquet table of `table` (a row group
    each), holding one at a time: each is checked as write_table checks its frame, the primary key
    within the chunk (read_table checks it over the whole table). Atomic; returns the rows written."""
    path = Path(path)
    meta = {PROVENANCE_KEY: json.dumps(provenance(table, config, seed, runtime), sort_keys=True).encode()}
    rows = 0
    with (
        atomic_write(path) as tmp,
        pq.ParquetWriter(tmp, arrow_schema(table).with_metadata(meta), compression="zstd") as writer,
    ):
        for frame in chunks:
            writer.write_table(to_arrow(frame, table, where=f"{path} (rows {rows} on)"))
            rows += len(frame)
    return rows


def _check_types(schema: pa.Schema, table: str, where: str) -> None:
    for field in arrow_schema(table):
        actual = schema.field(field.name).type
        if _kind(actual) != _kind(field.type):
            raise DataError(f"{where}: column {field.name!r} has type {actual}, table {table!r} expects {field.type}")


def _open(path: Path, table: str) -> pq.ParquetFile:
    """A Parquet file of `table`, its columns and types checked."""
    if not path.is_file():
        raise DataError(f"{path}: file not found (expected a Parquet table {table!r})")
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise DataError(f"{path}: not a readable Parquet file: {error}") from error
    _check_columns(parquet.schema_arrow.names, table, str(path))
    _check_types(parquet.schema_arrow, table, str(path))
    return parquet


def read_table(path: str | os.PathLike, table: str) -> pd.DataFrame:
    """Read a Parquet file of `table`, checking its columns, types, nulls and key."""
    path = Path(path)
    parquet = _open(path, table)
    try:
        data = parquet.read()
    except (pa.ArrowInvalid, OSError) as error:
        raise DataError(f"{path}: not a readable Parquet file: {error}") from error
    _check_values(data, table, str(path))
    expected = arrow_schema(table)
    loose = pa.schema([field.with_nullable(True) for field in expected])
    return data.select(expected.names).cast(loose).to_pandas()


def read_table_chunks(
    path: str | os.PathLike, table: str, columns: Sequence[str] | None, rows: int
) -> Iterator[pd.DataFrame]:
    """`columns` (None: all) of a Parquet table of `table`, `rows` rows at a time (the last chunk
    shorter), in order and in bounded memory: the file's columns and types are checked first, the
    nulls chunk by chunk (the primary key, which needs every row, is not)."""
    path = Path(path)
    parquet = _open(path, table)
    expected = arrow_schema(table)
    columns = list(expected.names if columns is None else columns)
    unknown = [column for column in columns if column not in expected.names]
    if unknown:
        raise DataError(f"table {table!r} has no columns {unknown}")
    for start, batch in _batches(parquet, columns, rows):
        data = pa.Table.from_batches([batch])
        for column in columns:
            if not expected.field(column).nullable and data.column(column).null_count:
                row = start + int(data.column(column).is_null().to_numpy(zero_copy_only=False).argmax())
                raise DataError(f"{path}: row {row}: column {column!r} is null, which {table!r} forbids")
        loose = pa.schema([expected.field(column).with_nullable(True) for column in columns])
        yield data.cast(loose).to_pandas()


def _batches(parquet: pq.ParquetFile, columns: Sequence[str], rows: int) -> Iterator[tuple[int, pa.RecordBatch]]:
    """(first row, batch) of the file's record batches of `rows` rows."""
    start = 0
    for batch in parquet.iter_batches(batch_size=rows, columns=list(columns)):
        yield start, batch
        start += batch.num_rows


def _kind(arrow_type: pa.DataType) -> str:
    """The JSON-schema kind of an Arrow type (string and large_string alike, and so on)."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"array<{_kind(arrow_type.value_type)}>"
    for kind, test in (
        ("string", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
        ("integer", pa.types.is_integer),
        ("number", pa.types.is_floating),
        ("boolean", pa.types.is_boolean),
    ):
        if test(arrow_type):
            return kind
    return str(arrow_type)


def read_provenance(path: str | os.PathLike) -> dict[str, Any]:
    """The provenance metadata that write_table stored in a Parquet file."""
    meta = pq.read_schema(path).metadata or {}
    if PROVENANCE_KEY not in meta:
        raise DataError(f"{path}: no hybridir provenance metadata")
    return json.loads(meta[PROVENANCE_KEY])
