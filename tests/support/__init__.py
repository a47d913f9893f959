"""What the tests share besides fixtures: the repository's paths, the optional ../shared data,
and Snakemake of this environment (fixtures are in tests/conftest.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
BIN = Path(sys.executable).parent
IGNORED = shutil.ignore_patterns(".venv", ".git", "results", ".snakemake", "__pycache__", "*_cache", "mutants")
# a whole pipeline run (the demo, locally or through Slurm) on a loaded 2-core machine
WHOLE_RUN_TIMEOUT_S = 3600
# the demo run's HF_TOKEN: a value that no file the run writes may hold
HF_TOKEN_SENTINEL = "hf_SENTINELdoNotLeak0123456789abcdef"


def shared_benchmark(name: str) -> Path:
    """A benchmark folder of ../shared/data, or skip the test where it is absent."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (only the project's machines have ../shared)")
    return folder


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
