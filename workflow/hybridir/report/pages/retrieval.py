"""The readable pages (Markdown and HTML) of the retrieval tables: wide tables with formatted cells."""

import pandas as pd

from hybridir.report.data.runs import sorted_runs
from hybridir.report.format import MISSING, PAPER_NAME, cell, lang_label, metric_name, number, run_labels, with_interval
from hybridir.report.pages.document import Block, Heading, Paragraph, Table

MARKER_NOTE = (
    "† significantly better than the x_x run, ‡ significantly better than the x_y run of the same "
    "encoder (two-sided paired randomization test over questions, p < 0.05; for rank distance, "
    "better = lower). Brackets: 95% bootstrap confidence interval over questions."
)


def _run_rows(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(encoder, run, label) in reading order."""
    out = []
    for encoder in pd.unique(frame["encoder"]):
        runs = sorted_runs(encoder, frame.loc[frame["encoder"] == encoder, "run"])
        labels = run_labels(runs)
        out += [(encoder, r.name, labels[r.name]) for r in runs]
    return out


def _paper_sources(frame: pd.DataFrame) -> list[str]:
    return sorted({s for s in frame["paper_source"].dropna()})


def _paper_paragraph(frame: pd.DataFrame) -> Paragraph:
    sources = _paper_sources(frame)
    if sources:
        return Paragraph(
            "Paper: the published value (" + "; ".join(sources) + f"). {MISSING} = no published counterpart "
            "(another encoder, benchmark, α, or the zero-shot baseline)."
        )
    return Paragraph(
        f"Paper: {MISSING} throughout. The published values ({PAPER_NAME}) are for XLM-R and LaBSE "
        "(`xlmr`, `labse`) on `xquad_r`, `mlqa_r` and `miracl` with α = 0.5; this run has none of "
        "these encoder and benchmark names, so nothing here is comparable to the paper."
    )


def _results_page(
    blocks: list[Block], explanation: str, header: list[str], rows: list[list[str]], table: pd.DataFrame
) -> list[Block]:
    """A results page: heading blocks, what the numbers mean, the table (encoder and run columns,
    then numbers), the markers and the paper's source."""
    results = Table(header, rows, [False, False] + [True] * (len(header) - 2))
    return [*blocks, Paragraph(explanation), results, Paragraph(MARKER_NOTE), _paper_paragraph(table)]


def map_page(table: pd.DataFrame) -> list[Block]:
    """Table 1: rows encoder x run, columns benchmark x setting, paper values beside."""
    blocks: list[Block] = [Heading("Table 1. mAP (macro average over language combinations)", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark with cross-lingual and multilingual settings was evaluated.")]
    benchmarks = list(pd.unique(table["benchmark"]))
    settings = ["mono", "cross", "multi"]
    header = ["encoder", "run"]
    for benchmark in benchmarks:
        header += [f"{benchmark} {s}" for s in settings] + [f"{benchmark} paper"]
    rows = []
    index = table.set_index(["encoder", "run", "benchmark", "setting"])
    for encoder, run, label in _run_rows(table):
        row = [encoder, label]
        for benchmark in benchmarks:
            paper = []
            for setting in settings:
                key = (encoder, run, benchmark, setting)
                row.append(cell(index.loc[key]) if key in index.index else MISSING)
                paper.append(index.loc[key, "paper_value"] if key in index.index else None)
            known = [p for p in paper if p is not None and not pd.isna(p)]
            row.append(" / ".join(number(p) for p in paper) if known else MISSING)
        rows.append(row)
    explanation = (
        "mAP over the whole candidate pool, averaged over language combinations: mono = query and "
        "pool in the same language, cross = pool in one other language, multi = one pool of all "
        "languages. Higher is better. The paper columns give the published mono / cross / multi mAP."
    )
    return _results_page(blocks, explanation, header, rows, table)


def rank_distance_page(table: pd.DataFrame) -> list[Block]:
    """Table 2: rank distance per encoder x run, one column per benchmark."""
    blocks: list[Block] = [Heading("Table 2. Rank distance (multilingual setting; lower is better)", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark with a multilingual setting was evaluated.")]
    benchmarks = list(pd.unique(table["benchmark"]))
    header = ["encoder", "run"]
    for benchmark in benchmarks:
        header += [f"{benchmark} (ranks)", f"{benchmark} paper"]
    index = table.set_index(["encoder", "run", "benchmark"])
    rows = []
    for encoder, run, label in _run_rows(table):
        row = [encoder, label]
        for benchmark in benchmarks:
            key = (encoder, run, benchmark)
            row.append(cell(index.loc[key], 1) if key in index.index else MISSING)
            row.append(number(index.loc[key, "paper_value"], 1) if key in index.index else MISSING)
        rows.append(row)
    explanation = (
        "In the multilingual pool a question has one relevant candidate per language; its rank "
        "distance is the highest minus the lowest rank among them (in ranks). Averaged over the "
        "queries of a query language, then over query languages. A retriever without language "
        "bias ranks a question's parallel answers together (small distance)."
    )
    return _results_page(blocks, explanation, header, rows, table)


def miracl_page(table: pd.DataFrame) -> list[Block]:
    """MIRACL: mean nDCG@10 and Recall@100 with the paper's mean, then one table per metric and language."""
    blocks: list[Block] = [Heading("Table 3. MIRACL-format benchmarks: nDCG@10 and Recall@100 (monolingual)", 1)]
    if table.empty:
        return [*blocks, Paragraph("No MIRACL-format benchmark was evaluated.")]
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        index = part.set_index(["encoder", "run", "lang", "metric"])
        runs = _run_rows(part)
        header = ["encoder", "run", "mean nDCG@10", "paper mean nDCG@10", "mean Recall@100"]
        rows = []
        for encoder, run, label in runs:
            ndcg = (
                index.loc[(encoder, run, "mean", "ndcg_10")]
                if (encoder, run, "mean", "ndcg_10") in index.index
                else None
            )
            recall = (
                index.loc[(encoder, run, "mean", "recall_100")]
                if (encoder, run, "mean", "recall_100") in index.index
                else None
            )
            rows.append(
                [
                    encoder,
                    label,
                    cell(ndcg) if ndcg is not None else MISSING,
                    number(ndcg["paper_value"], 4) if ndcg is not None else MISSING,
                    cell(recall) if recall is not None else MISSING,
                ]
            )
        blocks += [
            Heading(f"{benchmark}: mean over languages", 2),
            Table(header, rows, [False, False, True, True, True]),
        ]
        languages = part.loc[part["lang"] != "mean"].drop_duplicates("lang")
        for metric in ("ndcg_10", "recall_100"):
            header = ["language"] + [f"{e} {label}" for e, _, label in runs]
            rows = []
            for lang, zero_shot in zip(languages["lang"], languages["zero_shot_lang"], strict=True):
                row = [lang_label(lang, zero_shot)]
                for encoder, run, _ in runs:
                    key = (encoder, run, lang, metric)
                    row.append(
                        with_interval(*index.loc[key, ["value", "ci_low", "ci_high"]])
                        if key in index.index
                        else MISSING
                    )
                rows.append(row)
            blocks += [
                Heading(f"{benchmark}: {metric_name(metric)} per language", 2),
                Table(header, rows, [False] + [True] * len(runs)),
            ]
    blocks += [
        Paragraph(
            "nDCG@10: graded relevance, linear gain, log2 discount, top 10. Recall@100: share of the "
            "relevant passages in the top 100. Zero-shot: a language that is not a training language."
        ),
        Paragraph(MARKER_NOTE + " Significance is tested on the means only."),
        _paper_paragraph(table[table["lang"] == "mean"]),
    ]
    return blocks


def per_language_page(table: pd.DataFrame) -> list[Block]:
    """One table per benchmark and measure: rows query language, columns runs."""
    blocks: list[Block] = [Heading("Table 4. Results per query language", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark with cross-lingual and multilingual settings was evaluated.")]
    blocks.append(
        Paragraph(
            "mono: query and pool in the language; cross: mean over the pools of the other languages "
            "(its 95% interval bootstrapped over questions by the report); multi: the pool of all "
            "languages. Zero-shot: a language never seen in training. Brackets: 95% confidence interval."
        )
    )
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        runs = _run_rows(part)
        index = part.set_index(["encoder", "run", "lang", "setting", "metric"])
        languages = part.drop_duplicates("lang")
        for setting, metric in part[["setting", "metric"]].drop_duplicates().itertuples(index=False):
            header = ["query language"] + [f"{e} {label}" for e, _, label in runs]
            rows = []
            for lang, zero_shot in zip(languages["lang"], languages["zero_shot_lang"], strict=True):
                row = [lang_label(lang, zero_shot)]
                for encoder, run, _ in runs:
                    key = (encoder, run, lang, setting, metric)
                    row.append(
                        with_interval(*index.loc[key, ["value", "ci_low", "ci_high"]])
                        if key in index.index
                        else MISSING
                    )
                rows.append(row)
            blocks += [
                Heading(f"{benchmark}: {setting} {metric_name(metric)}", 2),
                Table(header, rows, [False] + [True] * len(runs)),
            ]
    return blocks
