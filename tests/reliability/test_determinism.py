"""Determinism: two runs of the demo from scratch, in two fresh workflow copies, give identical
Parquet tables (content, and file metadata but for wall times) and identical model weights.

The session's demo run (fixture demo_run) is one of the two: only one extra run is made, and none
where the Slurm test runs the demo from scratch (as root: CI), which the same comparison checks.
"""

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.support import IGNORED, REPO, snakemake
from tests.support.run_comparison import PROVENANCE, differences, relative_files
from tests.support.slurm_cluster import default_config_taken

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second demo run from scratch, unless tests/workflow/test_slurm.py makes one here: its demo run on
    Slurm, from scratch, is compared with demo_run by the same comparison (tables, file metadata,
    weights), so a second local run would only repeat that check."""
    if os.geteuid() == 0 and default_config_taken() is None:
        pytest.skip("checked by tests/workflow/test_slurm.py: its from-scratch Slurm run against demo_run")
    target = tmp_path_factory.mktemp("demo-again") / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    snakemake(target, "--profile", "profiles/demo", timeout_s=3600)
    return target


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
