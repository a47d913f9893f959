"""Shared fixtures: workflow copies, the demo run, files served over HTTP on the loopback
interface. Paths and helpers are in tests/support."""

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hybridir.demo.tiny import build_tiny_encoder
from hybridir.tables import write_table
from tests.support import HF_TOKEN_SENTINEL, IGNORED, REPO, WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.http import FileHandler
from tests.support.training import town_corpus

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    """A copy of the workflow's files (no results) to run Snakemake in."""
    target = tmp_path / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    return target


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the workflow on which `make demo`'s command has run once (the workflow and Slurm
    tests share it; tests that change it restore what they changed), with HF_TOKEN set to a
    sentinel that no output may hold (tests/reliability/test_secrets.py); its console output is
    demo_run.out beside it."""
    target = tmp_path_factory.mktemp("demo") / "hybridir"
    shutil.copytree(REPO, target, ignore=IGNORED, symlinks=True)
    result = snakemake(
        target, "--profile", "profiles/demo", env={"HF_TOKEN": HF_TOKEN_SENTINEL}, timeout_s=WHOLE_RUN_TIMEOUT_S
    )
    (target.parent / "demo_run.out").write_text(result.stdout + result.stderr)
    return target


@pytest.fixture(scope="session")
def demo_report(demo_run: Path) -> Path:
    """The Snakemake HTML report of the demo run (the second command of `make demo`)."""
    snakemake(
        demo_run, "--profile", "profiles/demo", "--report", "results/report.html", env={"HF_TOKEN": HF_TOKEN_SENTINEL}
    )
    return demo_run / "results" / "report.html"


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


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A corpus of demo towns and two tiny encoders (without and with dropout) in one folder."""
    folder = tmp_path_factory.mktemp("train")
    corpus = town_corpus()
    write_table(corpus, folder / "corpus.parquet", "parallel")
    texts = list(corpus["question"]) + list(corpus["passage"])
    return {
        "folder": folder,
        "corpus": folder / "corpus.parquet",
        "deterministic": build_tiny_encoder(texts, folder / "encoder-no-dropout", dropout=0.0),
        "dropout": build_tiny_encoder(texts, folder / "encoder"),
    }
