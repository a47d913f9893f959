"""Shared fixtures: the repository, the optional ../shared benchmarks, workflow copies, files
served over HTTP on the loopback interface."""

import functools
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
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
    snakemake(target, "--profile", "profiles/demo", timeout_s=WHOLE_RUN_TIMEOUT_S)
    return target


# a whole pipeline run (the demo, locally or through Slurm) on a loaded 2-core machine
WHOLE_RUN_TIMEOUT_S = 3600


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


class FileHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of `directory`, with byte ranges (as fsspec reads zip members) and a
    `/truncated/` prefix whose responses announce the whole file but stop halfway."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        truncated = self.path.startswith("/truncated/")
        if truncated:
            self.path = self.path.removeprefix("/truncated")
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start, end = int(match[1]), min(int(match[2] or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            body = data[start : end + 1]
        else:
            self.send_response(200)
            body = data
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncated:
            self.close_connection = True
            return io.BytesIO(body[: len(body) // 2])
        return io.BytesIO(body)


@pytest.fixture
def http_files(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """(folder, base URL): the folder's files served over HTTP on 127.0.0.1 by a thread."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(FileHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
