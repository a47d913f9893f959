"""The readable page of the results by language resources: per benchmark, grouping and measure a
table with one row per group and one column per strategy over its seeds; then the languages with
their resources (unknown where no source gives a value) and the sources."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.report.data.language_groups import seen_by
from hybridir.report.format import MISSING, evaluation_note, number
from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table
from hybridir.report.pages.retrieval import cell_of, how_to_read, keyed_rows, strategy_labels
from hybridir.resources import SOURCES
from hybridir.vocabulary import FAMILIES, GROUPINGS, UNKNOWN, metric_label


def _languages_text(languages) -> str:
    return ", ".join(languages)


def _group_table(part: pd.DataFrame, rows: dict, measure: tuple[str, str], runs: list[tuple[str, str]]) -> Table:
    """Rows group x columns strategy for one grouping and measure; a strategy whose group holds
    other languages than the row's shows them in its cell."""
    body = []
    for name in pd.unique(part["group"]):
        languages = tuple(part.loc[part["group"] == name, "languages"].iloc[0])
        cells = []
        for encoder, strategy in runs:
            key = (encoder, strategy, name, *measure)
            own = tuple(rows[key]["languages"]) if key in rows else languages
            text = cell_of(rows, key)
            cells.append(text if own == languages or text == MISSING else f"{text} ({_languages_text(own)})")
        body.append([name, _languages_text(languages), *cells])
    header = ["group", "languages", *[f"{e} {n}" for e, n in runs]]
    return Table(header, body, [False, False] + [True] * len(runs))


def _benchmark_blocks(part: pd.DataFrame) -> list[Block]:
    """One table per grouping and measure of one benchmark's rows."""
    blocks: list[Block] = []
    rows, runs = keyed_rows(part, "group", "setting", "metric"), strategy_labels(part)
    for grouping in pd.unique(part["grouping"]):
        grouped = part[part["grouping"] == grouping]
        for setting, metric in grouped[["setting", "metric"]].drop_duplicates().itertuples(index=False):
            measure = grouped[(grouped["setting"] == setting) & (grouped["metric"] == metric)]
            blocks += [
                Heading(
                    f"{part['benchmark'].iloc[0]}: {setting} {metric_label(metric)} by {GROUPINGS[grouping].label}", 3
                ),
                _group_table(measure, rows, (setting, metric), runs),
            ]
        if grouped["group"].nunique() == 1:
            blocks.append(
                Paragraph(f"One group only ({grouped['group'].iloc[0]}): nothing to compare between groups here.")
            )
    return blocks


def _value(value: Any, digits: int = 1) -> str:
    return UNKNOWN if value is None or (isinstance(value, float) and pd.isna(value)) else number(float(value), digits)


def _languages_blocks(groups: pd.DataFrame, resources: Mapping[str, Any]) -> list[Block]:
    """The table of the benchmark languages, which encoder families' pretraining covered them, and
    which strategies saw them; the families of the encoders; the sources."""
    seen = seen_by(groups)
    body = []
    for lang, record in resources["languages"].items():
        joshi = UNKNOWN if record["joshi_class"] is None else str(record["joshi_class"])
        pretrained = ", ".join(f.label for f in FAMILIES.values() if f.name in record["pretrained"]) or "none of them"
        cells = [lang, record["name"], _value(record["cc100_gib"]), joshi, pretrained]
        body.append([*cells, ", ".join(seen.get(lang, [])) or "none", record["note"]])
    header = [
        "language",
        "name",
        "CC-100 GiB",
        "Joshi class",
        f"pretrained in ({', '.join(f.label for f in FAMILIES.values())})",
        "seen by",
        "note",
    ]
    families = [
        f"`{encoder}`: {FAMILIES[family].label}" if family else f"`{encoder}`: {UNKNOWN} (no pretraining grouping)"
        for encoder, family in resources["families"].items()
    ]
    return [
        Heading("Languages and their resources", 2),
        Table(header, body, [False, False, True, True, False, False, False]),
        Paragraph("Pretraining family of each encoder (by its model name): " + "; ".join(families) + "."),
        Paragraph("Sources (workflow/hybridir/resources.csv names the source of every number):"),
        Bullets([f"**{key}**: {text}" for key, text in SOURCES.items()]),
    ]


def language_groups_page(
    table: pd.DataFrame, groups: pd.DataFrame, resources: Mapping[str, Any], settings: Mapping[str, Any]
) -> list[Block]:
    """Results by Joshi class, seen / unseen in training and in / not in pretraining, per benchmark;
    `groups` is the evaluate stage's language_groups table (for who saw which language)."""
    blocks: list[Block] = [Heading("Results by language resources", 1)]
    if table.empty:
        return [*blocks, Paragraph("No benchmark was evaluated."), *_languages_blocks(groups, resources)]
    blocks += [
        Paragraph(
            "A group's value is the mean over its languages of their per-language values (mono, multi, X→en, "
            "mining: the language's own cell; en→X: the cell of its pool; cross: the mean over the pools of the other "
            "languages), per run, then averaged "
            "over seeds. Its interval resamples the questions within each set of languages (every language "
            "keeps its number of questions) and each strategy's seeds. Seen: a language that the run's training "
            "data holds (the untrained encoder saw none); a strategy whose seen or unseen languages differ from "
            "the row's shows its own in brackets and is not compared. Classes 0-2 are the usual low-resource cut."
        ),
        how_to_read(table),
    ]
    for benchmark in pd.unique(table["benchmark"]):
        blocks += [Heading(str(benchmark), 2), *_benchmark_blocks(table[table["benchmark"] == benchmark])]
    return [*blocks, *_languages_blocks(groups, resources), Paragraph(evaluation_note(settings))]
