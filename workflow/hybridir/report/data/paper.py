"""The paper's published numbers, to show beside this pipeline's (workflow/hybridir/report/data/paper_numbers.csv),
and other systems' published numbers on the further benchmark formats (published_numbers.csv)."""

import os

import numpy as np
import pandas as pd

from hybridir.errors import DataError

PAPER_COLUMNS = ["encoder", "strategy", "alpha", "benchmark", "setting", "metric", "value", "source"]
KEY = ["encoder", "strategy", "alpha", "benchmark", "setting", "metric"]
PUBLISHED_COLUMNS = ["format", "system", "setting", "metric", "lang", "value", "source"]


def _read_numbers(path: str | os.PathLike, columns: list[str], key: list[str]) -> pd.DataFrame:
    """A CSV of published numbers: exactly `columns`, each with its source, `key` unique."""
    frame = pd.read_csv(path, comment="#", dtype={"alpha": "float64", "value": "float64"})
    if list(frame.columns) != columns:
        raise DataError(f"{path}: columns {list(frame.columns)}, expected {columns}")
    if frame["source"].isna().any():
        row = int(frame["source"].isna().to_numpy().argmax())
        raise DataError(f"{path}: row {row}: the source of the number is missing")
    duplicated = frame[key].astype(str).duplicated()
    if duplicated.any():
        raise DataError(f"{path}: row {int(duplicated.to_numpy().argmax())}: duplicate key {key}")
    return frame


def read_paper_numbers(path: str | os.PathLike) -> pd.DataFrame:
    """The paper's numbers: one row per (encoder, strategy, alpha, benchmark, setting, metric)."""
    return _read_numbers(path, PAPER_COLUMNS, KEY)


def read_published_numbers(path: str | os.PathLike) -> pd.DataFrame:
    """Other systems' numbers: one row per (format, system, setting, metric, lang)."""
    return _read_numbers(path, PUBLISHED_COLUMNS, PUBLISHED_COLUMNS[:5])


def attach_paper(frame: pd.DataFrame, paper: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Add paper_value and paper_source to rows of `frame` (encoder, strategy, alpha, benchmark,
    setting and, unless given, metric); rows without a published counterpart get nulls."""
    rows = frame.copy()
    if metric is not None:
        rows["metric"] = metric
    # alpha keys compare as text with a fixed precision: 0.5 == 0.50, null == null
    keyed = paper.assign(_alpha=_alpha_key(paper["alpha"]))[
        ["encoder", "strategy", "_alpha", "benchmark", "setting", "metric", "value", "source"]
    ].rename(columns={"value": "paper_value", "source": "paper_source"})
    rows["_alpha"] = _alpha_key(rows["alpha"])
    merged = rows.merge(keyed, on=["encoder", "strategy", "_alpha", "benchmark", "setting", "metric"], how="left")
    merged = merged.drop(columns="_alpha")
    if metric is not None:
        merged = merged.drop(columns="metric")
    merged["paper_value"] = merged["paper_value"].astype("float64")
    merged["paper_source"] = merged["paper_source"].astype("object").where(merged["paper_source"].notna(), None)
    return merged


def _alpha_key(alpha: pd.Series) -> pd.Series:
    values = pd.to_numeric(alpha, errors="coerce").astype("float64")
    return pd.Series(np.where(values.isna(), "none", values.round(6).astype(str)), index=alpha.index)
