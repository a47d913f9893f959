"""HF_TOKEN (needed for MIRACL) never reaches a file: the session's demo run had it set to a
sentinel (tests/conftest.py), which no result, table metadata, log, Snakemake record, report or
console output may hold."""

from pathlib import Path

from tests.support import HF_TOKEN_SENTINEL


def files_holding(folder: Path, secret: bytes) -> list[str]:
    """Every file under `folder` whose bytes hold `secret`."""
    return [str(path) for path in sorted(folder.rglob("*")) if path.is_file() and secret in path.read_bytes()]


def test_the_scan_finds_a_planted_token(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "log.txt").write_bytes(b"header=Bearer " + HF_TOKEN_SENTINEL.encode() + b"\n")
    assert files_holding(tmp_path, HF_TOKEN_SENTINEL.encode()) == [str(tmp_path / "a" / "b" / "log.txt")]


def test_the_demo_run_writes_hf_token_nowhere(demo_run: Path, demo_report: Path) -> None:
    secret = HF_TOKEN_SENTINEL.encode()
    folders = [demo_run / "results", demo_run / ".snakemake"]
    assert demo_report.is_file() and (demo_run / ".snakemake" / "log").is_dir()
    leaks = [leak for folder in folders for leak in files_holding(folder, secret)]
    console = (demo_run.parent / "demo_run.out").read_bytes()
    assert leaks == [] and secret not in console
