"""The readable pages of the pipeline's data tables: MT quality, translation flags, corpus ledger."""

import pandas as pd

from hybridir.report.format import number
from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table


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
            "filtered (with the filter that dropped it) or failed (with the reason). In the source "
            "language, the input also holds the source rows that the fetch stage filtered (where: "
            "the dataset's where filter). Percentages are of the input pairs of that dataset and language."
        ),
        Table(header, rows, [False, False] + [True] * (len(header) - 2)),
    ]
