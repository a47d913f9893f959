"""The pipeline sections of results/summary.md: training of every run, translation and corpus."""

from collections.abc import Mapping

import pandas as pd

from hybridir.report.format import MISSING, label, number
from hybridir.report.pages.document import Block, Heading, Paragraph, Table
from hybridir.vocabulary import X_X, Run


def training(logs: Mapping[tuple[str, str], pd.DataFrame]) -> list[Block]:
    if not logs:
        return []
    rows = []
    for (encoder, run), log in logs.items():
        validation = log.dropna(subset=["val_loss"])
        best = validation.loc[validation["val_loss"].idxmin()] if len(validation) else None
        shares = log["kind"].value_counts(normalize=True)
        rows.append(
            [
                encoder,
                f"{label(Run.parse(encoder, run))} s{Run.parse(encoder, run).seed}",
                str(int(log["step"].max())),
                f"{shares.get(X_X, 0.0):.0%}",
                number(log["loss"].tail(max(1, len(log) // 10)).mean()),
                f"{best['val_loss']:.3f} (step {int(best['step'])})" if best is not None else MISSING,
            ]
        )
    return [
        Heading("Training", 2),
        Table(
            ["encoder", "run", "steps", f"{X_X} batches", "final training loss", "best validation loss"],
            rows,
            [False, False, True, True, True, True],
        ),
        Paragraph(
            "Final training loss: mean InfoNCE loss of the last 10% of steps. The model kept is the one "
            "of the best validation loss."
        ),
    ]


def data(mt_quality: pd.DataFrame, ledger: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading("Translation and corpus", 2)]
    if mt_quality.empty:
        blocks.append(Paragraph("MT quality was not measured (`translation.quality.benchmark` is null)."))
    else:
        rows = [[r.lang, r.kind, number(r.bleu, 1), number(r.chrf, 1)] for r in mt_quality.itertuples(index=False)]
        blocks.append(Table(["language", "kind", "BLEU", "chrF++"], rows, [False, False, True, True]))
    if not ledger.empty:
        totals = ledger.groupby(["dataset", "status"], sort=False)["pairs"].sum().unstack(fill_value=0)
        rows = []
        for dataset, counts in totals.iterrows():
            total = int(counts.sum())
            rows.append(
                [dataset, str(total)]
                + [f"{int(counts.get(s, 0))} ({counts.get(s, 0) / total:.1%})" for s in ("kept", "filtered", "failed")]
            )
        blocks += [
            Paragraph("Pairs (over all languages) that entered the corpus, by outcome:"),
            Table(["dataset", "input pairs", "kept", "filtered", "failed"], rows, [False, True, True, True, True]),
        ]
    return blocks
