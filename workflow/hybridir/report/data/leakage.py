"""The leakage report table: per training dataset and benchmark, the pairs whose text (after
translation) matches a benchmark text, exactly or nearly (hybridir.leakage)."""

import pandas as pd

COLUMNS = ["dataset", "benchmark", "pairs", "leaked_pairs", "share", "exact_hits", "near_hits", "languages", "fields"]


def leakage_table(
    hits: list[pd.DataFrame], ledgers: list[pd.DataFrame], datasets: list[str], benchmarks: list[str]
) -> pd.DataFrame:
    """One row per (training dataset, benchmark), in config order, zero where nothing matched;
    `ledgers` are the corpus ledgers, whose kept pairs are the audited ones."""
    ledger = pd.concat(ledgers, ignore_index=True)
    kept = ledger[ledger["status"] == "kept"].groupby("dataset")["pair_id"].nunique()
    found = pd.concat(hits, ignore_index=True)
    rows = []
    for dataset in datasets:
        for benchmark in benchmarks:
            part = found[(found["dataset"] == dataset) & (found["benchmark"] == benchmark)]
            pairs, leaked = int(kept.get(dataset, 0)), part["pair_id"].nunique()
            rows.append(
                {
                    "dataset": dataset,
                    "benchmark": benchmark,
                    "pairs": pairs,
                    "leaked_pairs": leaked,
                    "share": leaked / pairs if pairs else 0.0,
                    "exact_hits": int((part["kind"] == "exact").sum()),
                    "near_hits": int((part["kind"] == "near").sum()),
                    "languages": sorted(set(part["lang"])),
                    "fields": sorted(set(part["field"])),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
