"""Where a source lives: a file (local path, URL, fsspec chain) or a Hub dataset id; which local
files it reads. No I/O and no heavy imports: the workflow's plan uses it to name job inputs."""

from pathlib import Path

# file suffix -> the `datasets` builder that reads it
FILE_BUILDERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".csv": "csv", ".tsv": "csv"}
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")


def data_suffix(source: str) -> str:
    """The data suffix of a file source, a compression suffix (.gz, .bz2) skipped."""
    suffixes = Path(source.split("::")[0]).suffixes
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def is_file_source(source: str) -> bool:
    """Whether `source` names a file (path or URL) rather than a Hub dataset id."""
    return data_suffix(source) in FILE_BUILDERS


def is_remote(source: str) -> bool:
    return "://" in source


def local_files(source: str) -> list[str]:
    """The local file a source reads, or nothing for Hub ids, URLs and globs."""
    if is_file_source(source) and not is_remote(source) and not any(c in source for c in "*?["):
        return [source]
    return []
