"""A study's answer page (report/tables/study.md): its question, what was trained and measured, and
each comparison's difference with its interval, Holm-adjusted p and verdict, written from the
study table (hybridir.report.data.answer); and the study's line in results/summary.md."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.evaluate.significance import LEVEL
from hybridir.report.format import number, signed
from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph, Table

PAGE = "report/tables/study.md"


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def finding(row: pd.Series) -> str:
    """One line from the numbers: 'hybrid vs x_x: ... +0.012 [+0.004, +0.020], Holm p = 0.031: better.'"""
    return (
        f"{row['comparison']}: {number(row['value'])} against "
        f"{number(row['value_against'])}, difference {signed(row['difference'])} "
        f"[{signed(row['ci_low'])}, {signed(row['ci_high'])}], Holm p {_p(row['p_holm'])}: **{row['verdict']}**."
    )


def _what_was_run(config: Mapping[str, Any]) -> Bullets:
    training = config["training"]
    mixtures = training.get("mixtures") or []
    items = [
        "Encoders: " + ", ".join(f"`{e['name']}` ({e['model']})" for e in training["encoders"]) + ".",
        "Strategies: " + ", ".join(training["strategies"]) + f"; seeds {', '.join(map(str, training['seeds']))}.",
        "Benchmarks: " + ", ".join(f"`{b['name']}` ({b['format']})" for b in config["benchmarks"]) + ".",
    ]
    if mixtures:
        items.append(
            "Training mixtures: " + "; ".join(f"`{m['name']}`: {', '.join(m['datasets'])}" for m in mixtures) + "."
        )
    return Bullets(items)


def study_page(table: pd.DataFrame, study: Mapping[str, Any], config: Mapping[str, Any]) -> list[Block]:
    """The question, the comparisons' table and one finding per comparison."""
    rows = [
        [
            r.comparison,
            number(r.value),
            number(r.value_against),
            f"{signed(r.difference)} [{signed(r.ci_low)}, {signed(r.ci_high)}]",
            _p(r.p_value),
            _p(r.p_holm),
            r.verdict,
        ]
        for r in table.itertuples(index=False)
    ]
    header = ["comparison", "value", "against", "difference [95% CI]", "p", "p (Holm)", "verdict"]
    return [
        Heading(f"Study {study['name']}: the answer", 1),
        Paragraph(f"**Question.** {study['question']}"),
        _what_was_run(config),
        Heading("Answer", 2),
        Bullets([finding(row) for _, row in table.iterrows()]),
        Table(header, rows, [False, True, True, True, True, True, False]),
        Paragraph(
            "Each comparison is one row of the evaluate stage's paired comparisons (significance, or "
            "language_group_significance for a group of languages): the means over seeds, their difference and its "
            "95% interval under the multi-bootstrap over seeds and questions. Holm's correction is over this page's "
            f"{len(table)} comparisons; a verdict is better or worse where the adjusted p is below {LEVEL} (lower "
            "is better for rank distance), else no significant difference at this scale (more seeds or "
            "questions may still find one)."
        ),
    ]


def summary_lines(table: pd.DataFrame, study: Mapping[str, Any]) -> list[Block]:
    """The study's section of results/summary.md: its question, verdicts and where its page is."""
    return [
        Heading(f"Study: {study['name']}", 2),
        Paragraph(f"{study['question']} The answer, comparison by comparison: [{PAGE}]({PAGE})."),
        Bullets([f"{row['comparison']}: {row['verdict']}" for _, row in table.iterrows()]),
    ]
