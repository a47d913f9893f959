"""The readable pages (Markdown and HTML) of the macro-averaged retrieval tables (mAP, Recall, rank
distance): wide tables with formatted cells, one row per strategy of an encoder over its seeds."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.report.data.retrieval import table_measures
from hybridir.report.data.runs import row_strategies, strategies
from hybridir.report.format import (
    MISSING,
    PAPER_NAME,
    cell,
    evaluation_note,
    label,
    paper_cell,
    seeds_text,
)
from hybridir.report.pages.document import Block, Heading, Paragraph, Table
from hybridir.vocabulary import METRICS, SETTINGS, metric_label


def keyed_rows(frame: pd.DataFrame, *columns: str) -> dict[tuple, pd.Series]:
    """Rows by (encoder, strategy label, *columns)."""
    return {
        (row["encoder"], label(run), *row[list(columns)]): row
        for (_, row), run in zip(frame.iterrows(), row_strategies(frame), strict=True)
    }


def strategy_labels(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(encoder, strategy label) in reading order."""
    return [(s.encoder, label(s)) for s in strategies(frame)]


def cell_of(rows: dict[tuple, pd.Series], key: tuple, digits: int = 3) -> str:
    return cell(rows[key], digits) if key in rows else MISSING


def paper_of(rows: dict[tuple, pd.Series], key: tuple, digits: int = 3) -> str:
    return paper_cell(rows[key], digits) if key in rows else MISSING


def has_paper(frame: pd.DataFrame) -> bool:
    return bool(frame["paper_value"].notna().any())


def how_to_read(table: pd.DataFrame, lower_is_better: bool = False) -> Paragraph:
    """What a cell holds, what the markers mean and which correction they are after."""
    better = "lower" if lower_is_better else "higher"
    count = int(table["comparisons"].max()) if len(table) else 0
    return Paragraph(
        f"Each cell: the mean over {seeds_text(table['seeds'])} ± the standard deviation over seeds, and in "
        "brackets the 95% interval that resamples seeds and questions (multi-bootstrap). † / ‡: better "
        f"({better}) than the x_x / x_y strategy of the same encoder, over all seeds, with a Holm-adjusted "
        f"p < 0.05; Holm's correction is over the {count} comparisons of this table (a pair of strategies "
        "counted once; the untrained encoder is not compared). Every adjusted p-value is in the Parquet table."
    )


def paper_paragraph(frame: pd.DataFrame) -> Paragraph:
    sources = sorted({s for s in frame["paper_source"].dropna()})
    if sources:
        return Paragraph(
            "Paper: the published value and, in brackets, ours minus it (" + "; ".join(sources) + f"). {MISSING} = "
            "no published counterpart (another encoder, benchmark or α, or the untrained encoder)."
        )
    return Paragraph(
        f"Paper: no row of this table has a published counterpart in {PAPER_NAME} "
        "(workflow/hybridir/report/data/paper_numbers.csv: XLM-R and LaBSE as `xlmr` and `labse` on `xquad_r`, "
        "`mlqa_r` and `miracl` with α = 0.5; mAP, rank distance and MIRACL mean nDCG@10; and LAReQA's mBERT "
        "baselines as `mbert`, multi mAP of en_en, x_x_mixed, x_x and x_y on `xquad_r` and `mlqa_r`), so no paper "
        "column is shown."
    )


def _macro_page(
    title: str, table: pd.DataFrame, measures: list[tuple[str, str]], explanation: str, settings: Mapping[str, Any]
) -> list[Block]:
    """One table per benchmark: rows encoder x strategy, columns the measures, then the paper's."""
    blocks: list[Block] = [Heading(title, 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark with cross-lingual and multilingual settings was evaluated.")]
    keyed = table.assign(**{c: v for c, v in zip(("setting", "metric"), measures[0], strict=True) if c not in table})
    rows = keyed_rows(keyed, "benchmark", "setting", "metric")
    metric = METRICS[measures[0][1]]
    paper = has_paper(table)
    names = [f"{s} {metric_label(m)}" if len(measures) > 1 else metric_label(m) for s, m in measures]
    header = ["encoder", "strategy", *names, *([f"paper {n} (Δ)" for n in names] if paper else [])]
    blocks += [Paragraph(explanation), how_to_read(table, not metric.higher_is_better)]
    for benchmark in pd.unique(table["benchmark"]):
        body = []
        for encoder, name in strategy_labels(keyed[keyed["benchmark"] == benchmark]):
            keys = [(encoder, name, benchmark, s, m) for s, m in measures]
            papers = [paper_of(rows, k, metric.digits) for k in keys] if paper else []
            body.append([encoder, name, *[cell_of(rows, k, metric.digits) for k in keys], *papers])
        blocks += [Heading(str(benchmark), 2), Table(header, body, [False, False] + [True] * (len(header) - 2))]
    return [*blocks, paper_paragraph(table), Paragraph(evaluation_note(settings))]


def map_page(table: pd.DataFrame, settings: Mapping[str, Any]) -> list[Block]:
    """Table 1: mono / cross / multi mAP per encoder x strategy, one table per benchmark."""
    shown = dict.fromkeys(setting for setting, _ in table_measures("map"))
    pools = ", ".join(f"{s.name} = {s.description}" for s in SETTINGS.values() if s.name in shown)
    explanation = (
        f"mAP over the whole candidate pool, averaged over language combinations: {pools}. Higher is better. "
        "mAP@20 (XTREME-R): XTREME-R's LAReQA metric, the multilingual pool cut at the top 20 and divided by "
        "min(relevant, 20) (google-research/xtreme, third_party/utils_lareqa.py, mean_avg_prec_at_k)."
    )
    return _macro_page(
        "Table 1. mAP (macro average over language combinations)", table, table_measures("map"), explanation, settings
    )


def recall_page(table: pd.DataFrame, settings: Mapping[str, Any]) -> list[Block]:
    """Recall@1 (mono, cross) and Recall@10 (multi) per encoder x strategy, one table per benchmark."""
    explanation = (
        "Recall@k: the share of a question's relevant candidates ranked in the top k, averaged over questions and "
        "then over language combinations. In mono and cross a question has one relevant candidate (Recall@1 = it "
        "is ranked first); in multi it has one per language, so Recall@10 is the share of them in the top 10."
    )
    return _macro_page(
        "Table 2. Recall (macro average over language combinations)",
        table,
        table_measures("recall"),
        explanation,
        settings,
    )


def rank_distance_page(table: pd.DataFrame, settings: Mapping[str, Any]) -> list[Block]:
    """Table 3: rank distance per encoder x strategy, one table per benchmark."""
    explanation = (
        "In the multilingual pool a question has one relevant candidate per language; its rank distance is the "
        "highest minus the lowest rank among them (in ranks). Averaged over the queries of a query language, then "
        "over query languages. A retriever without language bias ranks a question's parallel answers together."
    )
    title = "Table 3. Rank distance (multilingual setting; lower is better)"
    return _macro_page(title, table, table_measures("rank_distance"), explanation, settings)
