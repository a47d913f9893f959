"""The realised training mix of one run, read from its training log (without importing torch):
what its batches drew, so that a strategy's effect can be told from its data's.

- dataset: each dataset's share of the batches (each batch is drawn from one dataset) and of the
  pairs, and the hard negatives per pair that its batches trained with;
- language: each language's share of the batches (a batch counted in proportion to its queries and
  passages in that language) and of the pairs (a pair counted half for its query's language and
  half for its passage's), and the hard negatives per pair of the batches in proportion;
- all: every batch and pair, and the hard negatives per pair overall.
"""

import pandas as pd

MIX_COLUMNS = ["axis", "value", "batches", "batch_share", "pairs", "pair_share", "negatives_per_pair"]


def _rows(axis: str, frame: pd.DataFrame, batches: float, pairs: float) -> pd.DataFrame:
    """Rows of one axis from per-value sums of batches, pairs and negatives (columns of `frame`)."""
    return pd.DataFrame(
        {
            "axis": axis,
            "value": frame.index.astype(str),
            "batches": frame["batches"].to_numpy(dtype=float),
            "batch_share": frame["batches"].to_numpy(dtype=float) / batches,
            "pairs": frame["pairs"].to_numpy(dtype=float),
            "pair_share": frame["pairs"].to_numpy(dtype=float) / pairs,
            "negatives_per_pair": frame["negatives"].to_numpy(dtype=float) / frame["pairs"].to_numpy(dtype=float),
        }
    )


def language_parts(log: pd.DataFrame) -> pd.DataFrame:
    """One row per (step, language): the step's share of its texts in that language, and its
    batch, pairs and negatives in that share."""
    parts = log[["step", "pairs", "negatives", "langs", "lang_texts"]].explode(["langs", "lang_texts"])
    parts = parts.dropna(subset=["langs"])
    weight = parts["lang_texts"].astype(float) / parts.groupby("step")["lang_texts"].transform("sum").astype(float)
    return pd.DataFrame(
        {
            "lang": parts["langs"].astype(str),
            "batches": weight,
            "pairs": weight * parts["pairs"].astype(float),
            "negatives": weight * parts["negatives"].astype(float),
        }
    )


def training_mix(log: pd.DataFrame) -> pd.DataFrame:
    """The mix of a `training_log` table: rows (axis, value) with batches, pairs, their shares and
    hard negatives per pair (see the module docstring); no rows for a log without steps."""
    batches, pairs = float(len(log)), float(log["pairs"].sum())
    if not batches or not pairs:
        return pd.DataFrame({column: pd.Series(dtype=float) for column in MIX_COLUMNS}).astype(
            {"axis": object, "value": object}
        )
    sums = {"batches": ("step", "size"), "pairs": ("pairs", "sum"), "negatives": ("negatives", "sum")}
    datasets = log.groupby("dataset").agg(**sums)
    languages = language_parts(log).groupby("lang")[["batches", "pairs", "negatives"]].sum()
    overall = pd.DataFrame({"batches": [batches], "pairs": [pairs], "negatives": [log["negatives"].sum()]}, ["all"])
    axes = [("dataset", datasets), ("language", languages), ("all", overall)]
    return pd.concat([_rows(axis, frame, batches, pairs) for axis, frame in axes], ignore_index=True)


def mix_lines(mix: pd.DataFrame) -> list[str]:
    """The mix in words, one line per dataset, language and overall (for the job log)."""
    return [
        f"training mix: {row.axis} {row.value}: {row.batch_share:.1%} of batches, {row.pair_share:.1%} of pairs, "
        f"{row.negatives_per_pair:.2f} hard negatives per pair"
        for row in mix.itertuples(index=False)
    ]
