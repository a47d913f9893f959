"""The leakage page: the audit per training dataset and benchmark, what exclusion dropped, and the
closest hits as examples."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table

EXAMPLES = 20


def _short(text: str, chars: int = 80) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _exclusion(ledgers: list[pd.DataFrame] | None) -> list[Block]:
    """What training.exclude_leaked did, from the leakage ledgers (None: it is off)."""
    if ledgers is None:
        return [
            Paragraph(
                "`training.exclude_leaked: false`: leaked pairs were kept in training; set it to true to drop them."
            )
        ]
    ledger = pd.concat(ledgers, ignore_index=True)
    items = []
    for dataset, part in ledger.groupby("dataset", sort=False):
        dropped = part[part["status"] == "filtered"]
        items.append(
            f"{dataset}: {dropped['pair_id'].nunique()} of {part['pair_id'].nunique()} pairs "
            f"({len(dropped)} of {len(part)} pair-language rows)"
        )
    return [
        Paragraph(
            "`training.exclude_leaked: true`: every leaked pair was dropped from training in all its languages; "
            "the leakage ledger records each (pair, language) as `filtered`, reason `leaked`, with its benchmarks. "
            "Dropped:"
        ),
        Bullets(items),
    ]


def leakage_page(
    table: pd.DataFrame, hits: pd.DataFrame, settings: Mapping[str, Any], exclusions: list[pd.DataFrame] | None
) -> list[Block]:
    """The summary per dataset and benchmark, what was compared, what was excluded from training
    (`exclusions`: the leakage ledgers, None when training.exclude_leaked is off), and the closest
    hits as examples."""
    rows = [
        [
            r.dataset,
            r.benchmark,
            str(r.pairs),
            f"{r.leaked_pairs} ({r.share:.2%})",
            str(r.exact_hits),
            str(r.near_hits),
            ", ".join(r.languages),
            ", ".join(r.fields),
        ]
        for r in table.itertuples(index=False)
    ]
    header = ["dataset", "benchmark", "audited pairs", "leaked pairs", "exact hits", "near hits", "languages", "fields"]
    blocks: list[Block] = [
        Heading("Leakage audit: training pairs found in the benchmarks", 1),
        Paragraph(
            "Every question, passage and hard-negative passage of the training corpus, in every language after "
            "translation, against every benchmark question, judged candidate and candidate paragraph of the same "
            "language. **exact**: equal after normalisation (NFC, whitespace collapsed, casefolded, punctuation "
            f"deleted); **near**: Jaccard similarity of character {settings['ngram']}-grams at least "
            f"{settings['threshold']} (MinHash LSH with {settings['permutations']} permutations proposes, the exact "
            "Jaccard confirms). A pair leaks when any of its texts, in any language, hits."
        ),
        Table(header, rows, [False, False, True, True, True, True, False, False]),
        *_exclusion(exclusions),
    ]
    if hits.empty:
        return [*blocks, Paragraph("No training text matched a benchmark text.")]
    order = ["similarity", "pair_id", "lang", "field", "benchmark", "evaluation_id"]
    closest = hits.sort_values(order, ascending=[False, *[True] * (len(order) - 1)])
    examples = [
        [
            h.pair_id,
            h.lang,
            h.field,
            _short(h.text),
            h.benchmark,
            f"{h.evaluation_field} `{h.evaluation_id}`",
            _short(h.evaluation_text),
            h.kind,
            f"{h.similarity:.2f}",
        ]
        for h in closest.head(EXAMPLES).itertuples(index=False)
    ]
    header = [
        "training pair",
        "lang",
        "field",
        "training text",
        "benchmark",
        "matched",
        "benchmark text",
        "kind",
        "similarity",
    ]
    return [
        *blocks,
        Heading(f"The {len(examples)} closest of {len(hits)} hits", 2),
        Table(header, examples, [False] * 8 + [True]),
    ]
