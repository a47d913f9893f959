"""The readable pages of the tables of results per language of the XTREME, XTREME-R and
mMARCO-format benchmarks (tatoeba, bucc, mewsli_x, mmarco): per benchmark, the means of every
measure (rows strategies), then one table per measure (rows languages, columns strategies), with
what each number is, where it comes from, and the published numbers of other systems."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.report.data.retrieval import MEAN, table_measures
from hybridir.report.format import MISSING, evaluation_note, number
from hybridir.report.pages.document import Block, Heading, Paragraph, Table
from hybridir.report.pages.languages import per_language_table
from hybridir.report.pages.retrieval import (
    cell_of,
    has_paper,
    how_to_read,
    keyed_rows,
    paper_of,
    paper_paragraph,
    strategy_labels,
)
from hybridir.vocabulary import FROM_EN, SETTINGS, TO_EN, metric_label

TITLES = {
    "tatoeba": "Table 6. Tatoeba (XTREME, XTREME-R): sentence retrieval accuracy",
    "bucc": "Table 7. BUCC 2018 (XTREME): bitext mining F1",
    "mewsli_x": "Table 8. Mewsli-X (XTREME-R): entity retrieval mAP@20",
    "mmarco": "Table 9. mMARCO dev: monolingual and cross-lingual MRR@10 and Recall@1000",
}
NOTES = {
    "tatoeba": (
        "Each sentence of a language pair retrieves among the other side's sentences of its pair (up to 1,000); "
        "accuracy is the share whose nearest neighbour (cosine) is its translation. en→X: the English sentence "
        "retrieves its translation, the direction XTREME's leaderboard reports (google-research/xtreme, "
        "third_party/utils_retrieve.py: similarity_search indexes the X side and searches it with the English "
        "side; evaluate.py scores it as accuracy); X→en the other direction. 'mean of both' is the mean of the "
        "two means (no interval). Zero-shot: a language never seen in training."
    ),
    "bucc": (
        "Sentences of X and of English are mined as XTREME does (ratio margin over 4 neighbours each way, "
        "max retrieval, the threshold of best F1 on the pair's own gold pairs; google-research/xtreme "
        "third_party/utils_retrieve.py). F1 is over the whole corpus; its interval resamples the source "
        "sentences with the threshold fixed (each sentence weighs its extracted plus gold pairs). The threshold, "
        "precision and recall of every run are in results/evaluate/mining.parquet."
    ),
    "mewsli_x": (
        "Each WikiNews mention (its text as XTREME-R's baseline writes it) retrieves among the whole candidate set "
        "of entity descriptions, in 50 languages. mAP@20: with one gold entity per mention, the reciprocal rank "
        "within the top 20 (XTREME-R's utils_mewslix.py computes MRR@20). The released dataset differs from the "
        "one of the XTREME-R paper (mewsli-x.md), so its published numbers are not comparable."
    ),
    "mmarco": (
        "mono: queries in X against the collection in X; X→en: queries in X against the English collection; "
        "en→X: English queries against the collection in X; cross (when asked): every ordered pair. Passage ids "
        "and judgements are shared by all languages. MRR@10: the reciprocal rank of the first relevant passage "
        "within the top 10, else 0 (MS MARCO's msmarco_passage_eval.py), over the 6,980 judged dev queries; "
        "Recall@1000: the share of a query's relevant passages in the top 1000."
    ),
}
LIMITED = (
    "Benchmarks {names} keep only a sample of their collection (`limit`: every judged passage plus sampled "
    "others): their numbers are not comparable to published ones."
)


def _measure_name(setting: str, metric: str) -> str:
    return f"{SETTINGS[setting].label} {metric_label(metric)}"


def _mean_of_directions(rows: dict[tuple, pd.Series], key: tuple, metric: str) -> str:
    """The mean of a strategy's en→X and X→en means (Tatoeba), or '—'."""
    values = [rows.get((*key, MEAN, setting, metric)) for setting in (FROM_EN, TO_EN)]
    return MISSING if any(v is None for v in values) else number((values[0]["value"] + values[1]["value"]) / 2)


def _means(part: pd.DataFrame, measures: list[tuple[str, str]], name: str) -> Table:
    """Rows strategies, columns the means of the measures (and the paper's, where published)."""
    means = part[part["lang"] == MEAN]
    rows, runs = keyed_rows(part, "lang", "setting", "metric"), strategy_labels(part)
    present = [m for m in measures if ((means["setting"] == m[0]) & (means["metric"] == m[1])).any()]
    both = name == "tatoeba" and {(FROM_EN, "accuracy"), (TO_EN, "accuracy")} <= set(present)
    paper = has_paper(means)
    header = ["encoder", "strategy", *(_measure_name(*m) for m in present)]
    header += ["mean of both"] * both + [f"paper {_measure_name(*m)} (Δ)" for m in present] * paper
    body = []
    for e, n in runs:
        cells = [cell_of(rows, (e, n, MEAN, *m)) for m in present]
        cells += [_mean_of_directions(rows, (e, n), "accuracy")] * both
        cells += [paper_of(rows, (e, n, MEAN, *m)) for m in present] * paper
        body.append([e, n, *cells])
    return Table(header, body, [False, False] + [True] * (len(header) - 2))


def _published(published: pd.DataFrame, name: str) -> list[Block]:
    """Other systems' published numbers for this format, each with its source."""
    rows = published[published["format"] == name]
    if rows.empty:
        return [Paragraph("Published numbers of other systems: none checked yet (report/data/published_numbers.csv).")]
    body = [
        [r.system, _measure_name(r.setting, r.metric), r.lang, number(r.value, 4), r.source]
        for r in rows.itertuples(index=False)
    ]
    return [
        Heading("Published numbers of other systems", 2),
        Table(["system", "measure", "language", "value", "source"], body, [False, False, False, True, False]),
    ]


def language_page(
    name: str,
    table: pd.DataFrame,
    settings: Mapping[str, Any],
    published: pd.DataFrame,
    limited: list[str],
) -> list[Block]:
    """One of Tables 6-9: per benchmark, the means, then each measure per language; `limited` are
    the benchmarks whose entry samples its collection."""
    blocks: list[Block] = [Heading(TITLES[name], 1)]
    if table.empty:
        return [*blocks, Paragraph(f"No {name}-format benchmark was evaluated."), *_published(published, name)]
    measures = table_measures(name)
    blocks += [Paragraph(NOTES[name]), how_to_read(table[table["lang"] == MEAN])]
    for benchmark in pd.unique(table["benchmark"]):
        part = table[table["benchmark"] == benchmark]
        blocks += [Heading(f"{benchmark}: means over languages", 2), _means(part, measures, name)]
        rows, runs = keyed_rows(part, "lang", "setting", "metric"), strategy_labels(part)
        languages = part[part["lang"] != MEAN]
        for setting, metric in measures:
            chosen = languages[(languages["setting"] == setting) & (languages["metric"] == metric)]
            if len(chosen):
                heading = Heading(f"{benchmark}: {_measure_name(setting, metric)} per language", 2)
                blocks += [heading, per_language_table(chosen, rows, (setting, metric), runs)]
    shown_limited = [b for b in limited if b in set(table["benchmark"])]
    if shown_limited:
        blocks.append(Paragraph(LIMITED.format(names=", ".join(f"`{b}`" for b in shown_limited))))
    return [*blocks, paper_paragraph(table), *_published(published, name), Paragraph(evaluation_note(settings))]
