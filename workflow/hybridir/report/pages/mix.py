"""The training mix page (what every strategy's batches drew) and its lines in results/summary.md."""

import pandas as pd

from hybridir.report.data.mix import MIX_TOLERANCE, compared_pairs, dataset_shares, mix_differences
from hybridir.report.data.runs import strategy
from hybridir.report.format import label
from hybridir.report.pages.document import Block, Heading, Paragraph, Table

AXES = {"dataset": "dataset", "language": "language", "all": "every batch"}


def training_mix_page(table: pd.DataFrame) -> list[Block]:
    """Per encoder and strategy (on each training mixture): shares of batches and pairs per dataset
    and language, and hard negatives per pair; then the compared strategies whose dataset mixes differ."""
    blocks: list[Block] = [
        Heading("Training mix: what each strategy trained on", 1),
        Paragraph(
            "The batches every strategy drew, its seeds' runs pooled, from the training logs. Each batch comes "
            "from one dataset; a language's share counts a batch in proportion to its queries and passages in "
            "that language, and a pair half for its query's language and half for its passage's. Hard negatives "
            "per pair are those the batches trained with (after those equal to a positive were dropped). An "
            "English-only dataset feeds x_x batches but never x_y ones, so strategies can differ in data as well "
            "as in batch composition."
        ),
    ]
    if table.empty:
        return [*blocks, Paragraph("No training run in this configuration.")]
    rows = [
        [
            r.encoder,
            label(strategy(r.encoder, r.strategy, r.alpha, r.mixture)),
            AXES[r.axis],
            r.value if r.axis != "all" else "",
            f"{r.batch_share:.1%}",
            f"{r.pair_share:.1%}",
            f"{r.negatives_per_pair:.2f}",
        ]
        for r in table.itertuples(index=False)
    ]
    header = ["encoder", "strategy", "of", "", "batches", "pairs", "hard negatives per pair"]
    return [
        *blocks,
        Table(header, rows, [False, False, False, False, True, True, True]),
        *mix_warning(table),
    ]


def compared(table: pd.DataFrame) -> bool:
    """Whether the table has two strategies of one encoder that the report compares."""
    strategies = list(dataset_shares(table))
    return any(compared_pairs([s for s in strategies if s.encoder == encoder]) for encoder in table["encoder"].unique())


def mix_warning(table: pd.DataFrame) -> list[Block]:
    """A paragraph naming the compared strategies whose dataset mixes differ by more than
    MIX_TOLERANCE, or saying that none do (nothing where no two strategies are compared)."""
    found = mix_differences(table)
    points = f"{MIX_TOLERANCE:.0%} of the pairs"
    if not found and not compared(table):
        return []
    if not found:
        return [Paragraph(f"Every compared pair of strategies drew each dataset within {points} of each other.")]
    items = "; ".join(
        f"{d['first'].encoder}: {label(d['first'])} against {label(d['second'])}, dataset {d['dataset']}: "
        f"{d['first_share']:.1%} against {d['second_share']:.1%} of the pairs"
        for d in found
    )
    return [
        Paragraph(
            f"**Warning: compared strategies trained on different dataset mixes** (a dataset's share of the pairs "
            f"more than {points} apart): {items}. Part of their difference in results may come from the data rather "
            "than from how batches are composed (report/tables/training_mix.md)."
        )
    ]
