"""Determinism: two runs of the demo from scratch, in two fresh workflow copies, give identical
Parquet tables (content, and file metadata but for wall times) and identical model weights.

The session's demo run (fixture demo_run) is one of the two: only one extra run is made.
"""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import IGNORED, REPO, snakemake
from measured import MEASURED_COLUMNS
from safetensors.numpy import load_file

pytestmark = pytest.mark.workflow
PROVENANCE = b"hybridir"


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo-again") / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    snakemake(target, "--profile", "profiles/demo", timeout_s=3600)
    return target


def table_name(parquet: pq.ParquetFile) -> str | None:
    """The hybridir table a Parquet file holds (None for a file that write_table did not write)."""
    meta = parquet.schema_arrow.metadata or {}
    return json.loads(meta[PROVENANCE])["table"] if PROVENANCE in meta else None


def comparable_table(path: Path) -> tuple[pa.Table, dict]:
    """A Parquet file's table without wall-time columns, and its file metadata: the schema's
    key-value metadata, row groups and the writer."""
    parquet = pq.ParquetFile(path)
    data = parquet.read()
    dropped = [c for c in MEASURED_COLUMNS.get(table_name(parquet), []) if c in data.column_names]
    meta = {
        "key_value": dict(data.schema.metadata or {}),
        "row_groups": [parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups)],
        "created_by": parquet.metadata.created_by,
        "format_version": parquet.metadata.format_version,
    }
    return data.drop_columns(dropped).replace_schema_metadata(None), meta


def relative_files(root: Path, pattern: str) -> list[Path]:
    return sorted(path.relative_to(root) for path in root.rglob(pattern) if "/." not in str(path))


def differences(first: Path, second: Path) -> list[str]:
    """What differs between the Parquet tables and model weights of two results folders."""
    found = []
    for pattern in ("*.parquet", "*.safetensors"):
        names = relative_files(first, pattern)
        if names != relative_files(second, pattern):
            found.append(f"{pattern}: the two runs wrote different files")
        for name in names:
            if not (second / name).is_file():
                continue
            if pattern == "*.safetensors":
                one, two = load_file(first / name), load_file(second / name)
                equal = one.keys() == two.keys() and all((one[k] == two[k]).all() for k in one)
                found += [] if equal else [f"{name}: weights differ"]
                continue
            (one, meta_one), (two, meta_two) = comparable_table(first / name), comparable_table(second / name)
            found += [] if one.equals(two) else [f"{name}: content differs"]
            found += [] if meta_one == meta_two else [f"{name}: file metadata differs"]
    return found


def test_two_demo_runs_from_scratch_write_identical_tables_and_weights(demo_run: Path, second_run: Path) -> None:
    first, second = demo_run / "results", second_run / "results"
    assert len(relative_files(first, "*.parquet")) > 50 and relative_files(first, "*.safetensors")
    assert differences(first, second) == []


def test_the_comparison_sees_a_changed_value_and_a_changed_provenance(tmp_path: Path) -> None:
    table = pa.table({"a": [1, 2]}).replace_schema_metadata({PROVENANCE: json.dumps({"table": "t", "seed": 1})})
    for name in ("one", "two", "three"):
        (tmp_path / name).mkdir()
    pq.write_table(table, tmp_path / "one" / "t.parquet")
    pq.write_table(table.set_column(0, "a", pa.array([1, 3])), tmp_path / "two" / "t.parquet")
    changed = table.replace_schema_metadata({PROVENANCE: json.dumps({"table": "t", "seed": 2})})
    pq.write_table(changed, tmp_path / "three" / "t.parquet")
    assert differences(tmp_path / "one", tmp_path / "one") == []
    assert differences(tmp_path / "one", tmp_path / "two") == ["t.parquet: content differs"]
    assert differences(tmp_path / "one", tmp_path / "three") == ["t.parquet: file metadata differs"]


def test_wall_time_columns_are_left_out_of_the_comparison(tmp_path: Path) -> None:
    meta = {PROVENANCE: json.dumps({"table": "training_log"})}
    for name, seconds in (("one", [0.5]), ("two", [0.7])):
        (tmp_path / name).mkdir()
        table = pa.table({"step": [1], "seconds": seconds}).replace_schema_metadata(meta)
        pq.write_table(table, tmp_path / name / "log.parquet")
    assert differences(tmp_path / "one", tmp_path / "two") == []
