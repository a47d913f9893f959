"""Shared fixtures: the repository, the optional ../shared benchmarks, workflow copies."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
BIN = Path(sys.executable).parent
IGNORED = shutil.ignore_patterns(".venv", ".git", "results", ".snakemake", "__pycache__", "*_cache")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


def shared_benchmark(name: str) -> Path:
    """A benchmark folder of ../shared/data, or skip the test where it is absent."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (only the project's machines have ../shared)")
    return folder


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    """A copy of the workflow's files (no results) to run Snakemake in."""
    target = tmp_path / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    return target


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the workflow on which `make demo`'s command has run once (test_workflow and
    test_slurm share it; tests that change it restore what they changed)."""
    target = tmp_path_factory.mktemp("demo") / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    snakemake(target, "--profile", "profiles/demo")
    return target


def snakemake(
    cwd: Path, *args: str, check: bool = True, env: dict[str, str] | None = None, timeout_s: int = 900
) -> subprocess.CompletedProcess:
    """Run Snakemake of this environment in `cwd`; output is returned, and shown on failure."""
    result = subprocess.run(
        [str(BIN / "snakemake"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, **(env or {})},
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
