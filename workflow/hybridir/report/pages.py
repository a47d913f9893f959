"""The readable page (Markdown and HTML) of each report table: wide tables with formatted cells."""

import math
import os

import pandas as pd

from hybridir.report.document import MISSING, Block, Bullets, Heading, Paragraph, Table, write_document
from hybridir.report.runs import run_labels, sorted_runs
from hybridir.tables import write_table

PAPER_NAME = "Elmahdy, Lin, Ahmad (2024), arXiv 2408.10536"
MARKERS = {"vs_x_x": "†", "vs_x_y": "‡"}
SETTING_NAMES = {"mono": "mono", "cross": "cross", "multi": "multi"}
METRIC_NAMES = {
    "map": "mAP",
    "recall_1": "Recall@1",
    "recall_10": "Recall@10",
    "recall_100": "Recall@100",
    "ndcg_10": "nDCG@10",
    "rank_distance": "rank distance",
}
MARKER_NOTE = (
    "† significantly better than the x_x run, ‡ significantly better than the x_y run of the same "
    "encoder (two-sided paired randomization test over questions, p < 0.05; for rank distance, "
    "better = lower). Brackets: 95% bootstrap confidence interval over questions."
)


def number(value: float | None, digits: int = 3) -> str:
    """A formatted number, or '—' where there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value + 0.0 if round(value, digits) else 0.0:.{digits}f}"  # never "-0.000"


def signed(value: float, digits: int = 3) -> str:
    """'+0.012', '-0.004', '0.000' (no sign on a value that rounds to zero)."""
    return number(value, digits) if not round(value, digits) else f"{value:+.{digits}f}"


def with_interval(value: float, low: float, high: float, digits: int = 3) -> str:
    """'0.798 [0.785, 0.811]'."""
    return f"{number(value, digits)} [{number(low, digits)}, {number(high, digits)}]"


def markers(row: pd.Series) -> str:
    """† / ‡ for significant improvements over x_x / x_y."""
    return "".join(mark for column, mark in MARKERS.items() if row.get(column) == "better")


def cell(row: pd.Series, digits: int = 3) -> str:
    """Value, interval and markers of one row of a report table."""
    text = with_interval(row["value"], row["ci_low"], row["ci_high"], digits)
    mark = markers(row)
    return f"{text} {mark}" if mark else text


def _lang_label(lang: str, zero_shot: bool | None) -> str:
    return f"{lang} (zero-shot)" if zero_shot else lang


def _run_rows(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(encoder, run, label) in reading order."""
    out = []
    for encoder in pd.unique(frame["encoder"]):
        runs = sorted_runs(frame.loc[frame["encoder"] == encoder, "run"])
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
                row = [_lang_label(lang, zero_shot)]
                for encoder, run, _ in runs:
                    key = (encoder, run, lang, metric)
                    row.append(
                        with_interval(*index.loc[key, ["value", "ci_low", "ci_high"]])
                        if key in index.index
                        else MISSING
                    )
                rows.append(row)
            blocks += [
                Heading(f"{benchmark}: {METRIC_NAMES[metric]} per language", 2),
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
                row = [_lang_label(lang, zero_shot)]
                for encoder, run, _ in runs:
                    key = (encoder, run, lang, setting, metric)
                    row.append(
                        with_interval(*index.loc[key, ["value", "ci_low", "ci_high"]])
                        if key in index.index
                        else MISSING
                    )
                rows.append(row)
            blocks += [
                Heading(f"{benchmark}: {SETTING_NAMES[setting]} {METRIC_NAMES[metric]}", 2),
                Table(header, rows, [False] + [True] * len(runs)),
            ]
    return blocks


def mt_quality_page(quality: pd.DataFrame, benchmark: str | None) -> list[Block]:
    """MT quality (BLEU, chrF++) per language and kind, with the sacrebleu signatures."""
    blocks: list[Block] = [Heading("Machine translation quality", 1)]
    if quality.empty:
        return [
            *blocks,
            Paragraph(
                "MT quality was not measured: `translation.quality.benchmark` is null or its benchmark has "
                "no training language besides the source."
            ),
        ]
    rows = [
        [
            r.lang,
            r.kind,
            str(r.segments),
            f"{number(r.bleu, 1)} [{number(r.bleu_ci_low, 1)}, {number(r.bleu_ci_high, 1)}]",
            f"{number(r.chrf, 1)} [{number(r.chrf_ci_low, 1)}, {number(r.chrf_ci_high, 1)}]",
            f"{r.flagged} ({r.flagged_share:.1%})",
        ]
        for r in quality.itertuples(index=False)
    ]
    signatures = sorted(set(quality["bleu_signature"]) | set(quality["chrf_signature"]))
    return [
        *blocks,
        Paragraph(
            f"The source-language questions and paragraphs of `{benchmark}` translated by the pipeline's MT "
            "model and scored against the benchmark's human translations: corpus-level BLEU and chrF++ "
            "(0-100, higher is better), with 95% intervals from sacrebleu's bootstrap over segments. "
            "Flagged: outputs marked truncated, looping or empty."
        ),
        Table(
            ["language", "kind", "segments", "BLEU", "chrF++", "flagged"], rows, [False, False, True, True, True, True]
        ),
        Paragraph("sacrebleu signatures:"),
        Bullets([f"`{s}`" for s in signatures]),
    ]


def translation_flags_page(flags: pd.DataFrame) -> list[Block]:
    """Translated texts per language: without a flag, and with each flag."""
    blocks: list[Block] = [Heading("Translation flags per language", 1)]
    if flags.empty:
        return [*blocks, Paragraph("No texts were translated.")]
    names = [f for f in pd.unique(flags["flag"]) if f != "ok"]
    rows = []
    for lang, part in flags.groupby("lang", sort=True):
        counts = dict(zip(part["flag"], part["texts"], strict=True))
        rows.append([lang, str(counts.get("ok", 0)), *[str(counts.get(f, 0)) for f in names]])
    return [
        *blocks,
        Paragraph(
            "Unique texts translated into each language, by flag (ok = no flag); a text with two flags "
            "counts under both. The corpus stage drops flagged translations (see the corpus ledger)."
        ),
        Table(["language", "ok (no flag)", *names], rows, [False] + [True] * (len(names) + 1)),
    ]


def corpus_ledger_page(ledger: pd.DataFrame) -> list[Block]:
    """Kept / filtered (by reason) / failed (by reason) pairs per dataset and language."""
    blocks: list[Block] = [Heading("Corpus ledger: the fate of every input pair", 1)]
    if ledger.empty:
        return [*blocks, Paragraph("No corpus was built.")]
    outcomes = (
        ledger[["status", "reason"]]
        .drop_duplicates()
        .assign(_s=lambda f: f["status"].map({"kept": 0, "filtered": 1, "failed": 2}).fillna(3))
        .sort_values(["_s", "reason"], na_position="first")
    )
    names = [
        s if r is None or pd.isna(r) else f"{s}: {r}" for s, r in outcomes[["status", "reason"]].itertuples(index=False)
    ]
    header = ["dataset", "language", "input pairs", *names]
    rows = []
    for (dataset, lang), part in ledger.groupby(["dataset", "lang"], sort=False):
        counts = {
            (s if r is None or pd.isna(r) else f"{s}: {r}"): (p, sh)
            for s, r, p, sh in part[["status", "reason", "pairs", "share"]].itertuples(index=False)
        }
        cells = [f"{counts[n][0]} ({counts[n][1]:.1%})" if n in counts else "0" for n in names]
        rows.append([dataset, lang, str(int(part["pairs"].sum())), *cells])
    return [
        *blocks,
        Paragraph(
            "Every (pair, language) that entered the corpus stage, by outcome: kept for training, "
            "filtered (with the filter that dropped it) or failed (with the reason). Percentages are "
            "of the input pairs of that dataset and language."
        ),
        Table(header, rows, [False, False] + [True] * (len(header) - 2)),
    ]


def write_report_table(
    frame: pd.DataFrame,
    name: str,
    blocks: list[Block],
    parquet: str | os.PathLike,
    markdown: str | os.PathLike,
    html: str | os.PathLike,
    seed: int | None = None,
) -> None:
    """Write a report table as Parquet (schema report_<name>) and its page as Markdown and HTML."""
    write_table(frame, parquet, f"report_{name}", seed=seed)
    title = blocks[0].text if blocks and isinstance(blocks[0], Heading) else name
    write_document(blocks, markdown, html, title)
