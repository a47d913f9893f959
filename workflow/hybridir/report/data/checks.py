"""The report tables of the checks made on the data as it went through: texts cut for length (at
translation and at encoding), the fate of every benchmark judgement, and every warning logged. Each builder returns a
frame with exactly the columns of its schema (workflow/schemas/tables/report_<name>.schema.json).
"""

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

TRUNCATION_COLUMNS = ["stage", "scope", "limit", "texts", "cut", "share", "runs"]
BENCHMARK_COLUMNS = ["benchmark", "lang", "status", "reason", "judgements", "share"]
WARNING_COLUMNS = ["rule", "job", "message", "count"]
STATUS_ORDER = {"kept": 0, "filtered": 1}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def translation_cuts(flags: Mapping[str, Iterable[Sequence[str]]], limit: int) -> pd.DataFrame:
    """Per target language (`flags`: language -> each translated text's flags), the texts with a
    sentence cut at `limit` tokens (flag truncated_input)."""
    rows = []
    for lang, text_flags in sorted(flags.items()):
        marks = [("truncated_input" in list(found)) for found in text_flags]
        rows.append(("translation", lang, limit, len(marks), sum(marks)))
    return pd.DataFrame(rows, columns=TRUNCATION_COLUMNS[:5])


def encoding_cuts(lengths: Mapping[tuple[str, str, str], pd.DataFrame]) -> pd.DataFrame:
    """Per (encoder, benchmark, table), the distinct texts cut at the model's maximum length, from the
    `text_lengths` tables of the encode jobs ((encoder, run, benchmark) -> table); runs whose counts
    agree (the runs of an encoder with the same prompts) make one row, naming them."""
    rows = [
        ("encoding", f"{encoder} {benchmark} {row.table}", row.max_length, row.distinct, row.cut, run)
        for (encoder, run, benchmark), table in lengths.items()
        for row in table.itertuples(index=False)
    ]
    frame = pd.DataFrame(rows, columns=[*TRUNCATION_COLUMNS[:5], "runs"])
    return frame.groupby(TRUNCATION_COLUMNS[:5], sort=False, dropna=False)["runs"].agg(", ".join).reset_index()


def truncation_table(translation: pd.DataFrame, encoding: pd.DataFrame) -> pd.DataFrame:
    """Texts cut for length per stage and scope, with their share."""
    frames = [frame for frame in (translation.assign(runs=None), encoding) if not frame.empty]
    if not frames:
        return _empty(TRUNCATION_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    table["share"] = (table["cut"] / table["texts"].where(table["texts"] > 0)).fillna(0.0)
    table["limit"] = table["limit"].astype("Int64")
    return table[TRUNCATION_COLUMNS].astype({"texts": "int64", "cut": "int64"})


def benchmark_ledger_table(ledgers: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Judgements per benchmark, language, status and reason, with their share of the language."""
    if not ledgers:
        return _empty(BENCHMARK_COLUMNS)
    ledger = pd.concat(ledgers, ignore_index=True)
    ledger["reason"] = ledger["reason"].astype("object").where(ledger["reason"].notna(), "")
    counts = ledger.groupby(["benchmark", "lang", "status", "reason"], sort=False).size().rename("judgements")
    counts = counts.reset_index()
    counts["share"] = counts["judgements"] / counts.groupby(["benchmark", "lang"])["judgements"].transform("sum")
    order = {name: i for i, name in enumerate(pd.unique(ledger["benchmark"]))}
    counts = counts.assign(_b=counts["benchmark"].map(order), _s=counts["status"].map(STATUS_ORDER).fillna(2))
    counts = counts.sort_values(["_b", "lang", "_s", "reason"]).reset_index(drop=True)
    counts["reason"] = counts["reason"].where(counts["reason"] != "", None)
    return counts[BENCHMARK_COLUMNS]


def warnings_table(rows: Sequence[tuple[str | None, str, str, int]]) -> pd.DataFrame:
    """The warnings of the job logs (hybridir.joblogs.warning_rows): rule, job, message, count."""
    return pd.DataFrame(list(rows), columns=WARNING_COLUMNS).astype({"count": "int64"})
