"""The report tables of the pipeline's data: MT quality, translation flags, the corpus ledger.

Each builder returns a frame with exactly the columns of its schema
(workflow/schemas/tables/report_<name>.schema.json), sorted for reading.
"""

from collections.abc import Sequence

import pandas as pd

from hybridir.corpus import LEDGER_COLUMNS


def mt_quality_table(mt_quality: pd.DataFrame | None) -> pd.DataFrame:
    """BLEU and chrF++ with 95% intervals per language and kind, and the share of flagged outputs
    (empty if not measured)."""
    columns = [
        "lang",
        "kind",
        "segments",
        "bleu",
        "bleu_ci_low",
        "bleu_ci_high",
        "chrf",
        "chrf_ci_low",
        "chrf_ci_high",
        "flagged",
        "flagged_share",
        "bleu_signature",
        "chrf_signature",
    ]
    if mt_quality is None or mt_quality.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    rows = mt_quality.assign(flagged_share=mt_quality["flagged"] / mt_quality["segments"].clip(lower=1))
    return rows.sort_values(["lang", "kind"]).reset_index(drop=True)[columns]


def translation_flags_table(ledgers: list[pd.DataFrame]) -> pd.DataFrame:
    """Translated texts per language and flag ('ok' = none), from the translation ledgers."""
    columns = ["lang", "flag", "texts", "source_chars"]
    if not ledgers:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    rows = pd.concat(ledgers, ignore_index=True)
    rows = rows.assign(_ok=rows["flag"] != "ok").sort_values(["lang", "_ok", "flag"])
    return rows.reset_index(drop=True)[columns]


def corpus_ledger_table(ledgers: list[pd.DataFrame], fetch_ledgers: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """Input pairs per dataset, language, status and reason, with their share of the (dataset, language);
    the source rows that the fetch ledgers filter count as input pairs of the source language."""
    columns = ["dataset", "lang", "status", "reason", "pairs", "share"]
    if not ledgers:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    fetched = [fetch[fetch["status"] != "kept"][LEDGER_COLUMNS] for fetch in fetch_ledgers]
    ledger = pd.concat([*ledgers, *fetched], ignore_index=True)
    ledger["reason"] = ledger["reason"].astype("object").where(ledger["reason"].notna(), "")
    counts = ledger.groupby(["dataset", "lang", "status", "reason"], sort=False).size().rename("pairs").reset_index()
    totals = counts.groupby(["dataset", "lang"])["pairs"].transform("sum")
    counts["share"] = counts["pairs"] / totals
    datasets = {d: i for i, d in enumerate(pd.unique(ledger["dataset"]))}
    status = {"kept": 0, "filtered": 1, "failed": 2}
    counts = counts.assign(_d=counts["dataset"].map(datasets), _s=counts["status"].map(status).fillna(3))
    counts = counts.sort_values(["_d", "lang", "_s", "reason"]).reset_index(drop=True)
    counts["reason"] = counts["reason"].where(counts["reason"] != "", None)
    return counts[columns]
