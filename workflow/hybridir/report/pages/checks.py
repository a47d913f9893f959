"""The pages of the checks made on the data and of the warnings the jobs logged: texts cut for
length, the fate of every benchmark judgement, every warning; and their lines in results/summary.md."""

import pandas as pd

from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table

SHOWN_WARNINGS = 20


def _reason(status: str, reason: str | None) -> str:
    return status if reason is None or pd.isna(reason) else f"{status}: {reason}"


def truncation_page(table: pd.DataFrame) -> list[Block]:
    """Texts cut for length at translation (per language) and at encoding (per encoder, benchmark, table)."""
    blocks: list[Block] = [
        Heading("Texts cut for length", 1),
        Paragraph(
            "Translation cuts a sentence longer than `translation.max_input_tokens` tokens; its text is flagged "
            "truncated_input and the corpus stage drops its pair in that language. Encoding for evaluation cuts a "
            "text (with its prompt; a candidate sentence followed by its paragraph, so the paragraph is cut first) "
            "at the model's maximum length (`evaluation.max_length`). Encoding counts are of distinct texts; runs "
            "of one encoder whose counts agree (the same tokenizer and prompts) make one row."
        ),
    ]
    if table.empty:
        return [*blocks, Paragraph("No text was translated or encoded.")]
    rows = [
        [
            r.stage,
            r.scope if pd.isna(r.runs) else f"{r.scope} ({_runs(r.runs)})",
            "none" if pd.isna(r.limit) else str(r.limit),
            str(r.texts),
            f"{r.cut} ({r.share:.1%})",
        ]
        for r in table.itertuples(index=False)
    ]
    return [*blocks, Table(["stage", "of", "limit (tokens)", "texts", "cut"], rows, [False, False, True, True, True])]


def _runs(runs: str) -> str:
    """'zero_shot', or 'x_x-s7, x_y-s7 and 7 more runs'."""
    names = runs.split(", ")
    return runs if len(names) <= 2 else f"{', '.join(names[:2])} and {len(names) - 2} more runs"


def benchmark_ledger_page(table: pd.DataFrame) -> list[Block]:
    """Judgements per benchmark and language: kept as given, answers moved, judgements dropped."""
    blocks: list[Block] = [
        Heading("Benchmark ledger: the fate of every judgement", 1),
        Paragraph(
            "Every judgement read at fetch (a question with the sentence holding its answer, or a qrels line), "
            "per benchmark and language. answer_moved: the answer text was not at `answer_start` (compared as "
            "SQuAD's evaluation normalises answers), and its nearest occurrence in the paragraph was used; "
            "answer_not_in_context: the answer is nowhere in the paragraph, and the question is not evaluated in "
            "that language; judged_passage_missing: a qrels line names a passage the corpus lacks "
            "(`benchmarks[].missing_judged: drop`). results/fetch/benchmarks/<name>/ledger.parquet has each one."
        ),
    ]
    if table.empty:
        return [*blocks, Paragraph("No benchmark was read.")]
    names = list(dict.fromkeys(_reason(s, r) for s, r in table[["status", "reason"]].itertuples(index=False)))
    rows = []
    for (benchmark, lang), part in table.groupby(["benchmark", "lang"], sort=False):
        counts = {_reason(r.status, r.reason): f"{r.judgements} ({r.share:.1%})" for r in part.itertuples(index=False)}
        rows.append([benchmark, lang, str(int(part["judgements"].sum())), *[counts.get(n, "0") for n in names]])
    header = ["benchmark", "language", "judgements", *names]
    return [*blocks, Table(header, rows, [False, False] + [True] * (len(header) - 2))]


def warnings_page(table: pd.DataFrame) -> list[Block]:
    """Every warning a job logged, with its rule, job and count."""
    blocks: list[Block] = [
        Heading("Warnings logged by the jobs", 1),
        Paragraph(
            "Every WARNING line of the jobs' logs (results/logs/<job>.log), once per job and message: rows dropped "
            "or renamed, answers moved, texts cut, retried downloads, devices chosen. The report's last jobs (this "
            "table and the summary) are not in it; the run's final line counts the warnings of all its jobs."
        ),
    ]
    if table.empty:
        return [*blocks, Paragraph("No job logged a warning.")]
    rows = [[str(r.rule), r.job, r.message, str(r.count)] for r in table.itertuples(index=False)]
    return [*blocks, Table(["rule", "job", "warning", "times"], rows, [False, False, False, True])]


def checks_summary(truncation: pd.DataFrame, ledger: pd.DataFrame, warnings: pd.DataFrame) -> list[Block]:
    """The summary's lines on the data checks and the warnings (the tables are linked below it)."""
    items = []
    for stage, part in truncation.groupby("stage", sort=False) if not truncation.empty else []:
        worst = part.loc[part["share"].idxmax()]
        items.append(
            f"Texts cut for length at {stage}: {int(part['cut'].sum())} of {int(part['texts'].sum())} over "
            f"{len(part)} rows of `report/tables/truncation.md`; at most {worst['share']:.1%} ({worst['scope']})."
        )
    if not ledger.empty:
        reasons = ledger.dropna(subset=["reason"]).groupby("reason")["judgements"].sum()
        found = ", ".join(f"{int(count)} {reason}" for reason, count in reasons.items()) or "none changed"
        items.append(f"Benchmark judgements: {int(ledger['judgements'].sum())} read; {found}.")
    shown = warnings.sort_values("count", ascending=False, kind="stable").head(SHOWN_WARNINGS)
    items.append(
        f"Warnings: {int(warnings['count'].sum()) if not warnings.empty else 0} logged by "
        f"{warnings['job'].nunique() if not warnings.empty else 0} jobs (`report/tables/warnings.md` lists every one)."
    )
    blocks: list[Block] = [Heading("Data checks and warnings", 2), Bullets(items)]
    if not shown.empty:
        rows = [[r.job, r.message, str(r.count)] for r in shown.itertuples(index=False)]
        blocks.append(Table(["job", "warning", "times"], rows, [False, False, True]))
    return blocks
