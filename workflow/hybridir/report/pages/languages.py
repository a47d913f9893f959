"""The readable pages of the per-language tables: MIRACL-format benchmarks (with their means) and
results per query language; rows languages, columns strategies over their seeds."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.report.data.retrieval import MEAN, table_measures
from hybridir.report.format import evaluation_note, lang_label, seeds_text
from hybridir.report.pages.document import Block, Heading, Paragraph, Table
from hybridir.report.pages.retrieval import (
    cell_of,
    has_paper,
    how_to_read,
    keyed_rows,
    paper_of,
    paper_paragraph,
    strategy_labels,
)
from hybridir.vocabulary import metric_label


def per_language_table(part: pd.DataFrame, rows: dict[tuple, pd.Series], measure: tuple, runs: list[tuple[str, str]]):
    """Rows language x columns strategy of one measure ((setting, metric) or (metric,))."""
    languages = part.drop_duplicates("lang")
    body = []
    for lang, zero_shot in zip(languages["lang"], languages["zero_shot_lang"], strict=True):
        body.append([lang_label(lang, zero_shot), *[cell_of(rows, (e, n, lang, *measure)) for e, n in runs]])
    header = ["language", *[f"{e} {n}" for e, n in runs]]
    return Table(header, body, [False] + [True] * len(runs))


def miracl_page(table: pd.DataFrame, settings: Mapping[str, Any]) -> list[Block]:
    """MIRACL: the mean of each metric (the first with the paper's mean), then a table per metric and language."""
    blocks: list[Block] = [Heading("Table 4. MIRACL-format benchmarks: nDCG@10 and Recall@100 (monolingual)", 1)]
    if table.empty:
        return [*blocks, Paragraph("No MIRACL-format benchmark was evaluated.")]
    means = table[table["lang"] == MEAN]
    paper = has_paper(means)
    metrics = [metric for _, metric in table_measures("miracl")]
    blocks.append(how_to_read(means))
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        rows, runs = keyed_rows(part, "lang", "metric"), strategy_labels(part)
        headline, *others = metrics
        header = [
            "encoder",
            "strategy",
            f"mean {metric_label(headline)}",
            *([f"paper mean {metric_label(headline)} (Δ)"] if paper else []),
            *(f"mean {metric_label(metric)}" for metric in others),
        ]
        body = []
        for e, n in runs:
            papers = [paper_of(rows, (e, n, MEAN, headline), 4)] if paper else []
            cells = [cell_of(rows, (e, n, MEAN, metric)) for metric in others]
            body.append([e, n, cell_of(rows, (e, n, MEAN, headline)), *papers, *cells])
        blocks += [
            Heading(f"{benchmark}: mean over languages", 2),
            Table(header, body, [False, False] + [True] * (len(header) - 2)),
        ]
        languages = part[part["lang"] != MEAN]
        for metric in metrics:
            blocks += [
                Heading(f"{benchmark}: {metric_label(metric)} per language", 2),
                per_language_table(languages, rows, (metric,), runs),
            ]
    return [
        *blocks,
        Paragraph(
            "nDCG@10: graded relevance, linear gain, log2 discount, top 10. Recall@100: share of the relevant "
            "passages in the top 100. Zero-shot: a language that is not a training language. Verdicts are tested "
            "on the means only."
        ),
        paper_paragraph(means),
        Paragraph(evaluation_note(settings)),
    ]


def per_language_page(table: pd.DataFrame, settings: Mapping[str, Any]) -> list[Block]:
    """One table per benchmark and measure: rows query language, columns strategies."""
    blocks: list[Block] = [Heading("Table 5. Results per query language", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark with cross-lingual and multilingual settings was evaluated.")]
    blocks.append(
        Paragraph(
            "mono: query and pool in the language; cross: mean over the pools of the other languages; multi: the "
            f"pool of all languages. Each cell: the mean over {seeds_text(table['seeds'])} ± the standard deviation "
            "over seeds, and the 95% interval resampling seeds and questions. Zero-shot: a language never seen in "
            "training."
        )
    )
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        rows, runs = keyed_rows(part, "lang", "setting", "metric"), strategy_labels(part)
        for setting, metric in part[["setting", "metric"]].drop_duplicates().itertuples(index=False):
            blocks += [
                Heading(f"{benchmark}: {setting} {metric_label(metric)}", 2),
                per_language_table(part, rows, (setting, metric), runs),
            ]
    return [*blocks, Paragraph(evaluation_note(settings))]
