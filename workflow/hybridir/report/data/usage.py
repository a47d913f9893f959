"""The usage report table: time and memory of every heavy job (translation shards, training,
encode, rank), from the files Snakemake's `benchmark:` directive writes."""

from pathlib import PurePosixPath

import pandas as pd

from hybridir.errors import DataError
from hybridir.layout import USAGE

COLUMNS = ["stage", "job", "seconds", "cpu_seconds", "max_rss_mb", "mean_load"]
# Snakemake's benchmark columns: wall seconds, CPU seconds, peak resident memory (MB), mean load (%)
MEASURES = {"s": "seconds", "cpu_time": "cpu_seconds", "max_rss": "max_rss_mb", "mean_load": "mean_load"}


def read_usage(path: str) -> pd.DataFrame:
    """One benchmark file (its last row: the last attempt), named by its job."""
    try:
        frame = pd.read_csv(path, sep="\t", na_values=["-"])
    except (OSError, pd.errors.ParserError) as error:
        raise DataError(f"{path}: not a Snakemake benchmark file: {error}") from error
    missing = sorted(set(MEASURES) - set(frame.columns))
    if frame.empty or missing:
        raise DataError(
            f"{path}: expected a Snakemake benchmark row with columns {sorted(MEASURES)}; missing {missing}"
        )
    job = str(PurePosixPath(path).relative_to(USAGE).with_suffix(""))
    row = frame.iloc[[-1]].rename(columns=MEASURES)[list(MEASURES.values())].astype("float64")
    return row.assign(stage=stage_of(job), job=job)


def stage_of(job: str) -> str:
    """translate or train (the job's first folder), or encode, rank or mine (an evaluate job's last part)."""
    parts = job.split("/")
    return parts[-1] if parts[0] == "evaluate" else parts[0]


def usage_table(paths: list[str]) -> pd.DataFrame:
    """One row per heavy job, in stage order (translate, train, encode, rank, mine), then by job."""
    if not paths:
        return pd.DataFrame(
            {column: pd.Series(dtype="float64" if column not in ("stage", "job") else "object") for column in COLUMNS}
        )
    frame = pd.concat([read_usage(path) for path in paths], ignore_index=True)
    order = {stage: i for i, stage in enumerate(("translate", "train", "encode", "rank", "mine"))}
    frame = frame.sort_values(["stage", "job"], key=lambda c: c.map(order) if c.name == "stage" else c)
    return frame[COLUMNS].reset_index(drop=True)


def stage_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Per stage: jobs, total and longest wall hours, CPU hours, and the largest peak memory."""
    grouped = table.groupby("stage", sort=False)
    return pd.DataFrame(
        {
            "jobs": grouped.size(),
            "hours": grouped["seconds"].sum() / 3600,
            "longest_hours": grouped["seconds"].max() / 3600,
            "cpu_hours": grouped["cpu_seconds"].sum() / 3600,
            "max_rss_mb": grouped["max_rss_mb"].max(),
        }
    ).reset_index()
