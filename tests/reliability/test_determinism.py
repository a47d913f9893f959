"""Determinism: two runs from scratch, in two fresh workflow copies, give identical Parquet tables
(content, and file metadata but for wall times) and identical model weights.

The first is the session's whole demo run (fixture demo_run); the second runs a part of the demo
(DEMO_PART: a trained model, its evaluation and three report tables, 46 of the 229 jobs) and is
compared with the same files of the first. tests/workflow/test_slurm.py makes the same comparison
with that part run through Slurm.
"""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.support import IGNORED, REPO, snakemake
from tests.support.run_comparison import DEMO_PART, PROVENANCE, differences, relative_files

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DEMO_PART of the demo, run from scratch in a copy of the workflow."""
    target = tmp_path_factory.mktemp("demo-again") / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    snakemake(target, "--profile", "profiles/demo", *DEMO_PART, timeout_s=3600)
    return target


def test_a_part_of_the_demo_from_scratch_writes_the_tables_and_weights_of_a_whole_run(
    demo_run: Path, second_run: Path
) -> None:
    first, second = demo_run / "results", second_run / "results"
    assert len(relative_files(second, "*.parquet")) > 30 and relative_files(second, "*.safetensors")
    assert differences(first, second, part=True) == []


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


def test_a_part_is_compared_with_the_same_files_of_the_whole_run(tmp_path: Path) -> None:
    table = pa.table({"a": [1, 2]})
    for name in ("whole", "part", "changed", "other"):
        (tmp_path / name).mkdir()
    pq.write_table(table, tmp_path / "whole" / "t.parquet")
    pq.write_table(table, tmp_path / "whole" / "u.parquet")
    pq.write_table(table, tmp_path / "part" / "t.parquet")
    pq.write_table(table.set_column(0, "a", pa.array([1, 3])), tmp_path / "changed" / "t.parquet")
    pq.write_table(table, tmp_path / "other" / "v.parquet")
    whole = tmp_path / "whole"
    assert differences(whole, tmp_path / "part", part=True) == []
    assert differences(whole, tmp_path / "part") == ["*.parquet: the two runs wrote different files"]
    assert differences(whole, tmp_path / "changed", part=True) == ["t.parquet: content differs"]
    assert differences(whole, tmp_path / "other", part=True) == ["v.parquet: not written by the first run"]
