"""A study's answer table: each comparison is one row of the paired-comparison tables read as
strategy minus against, Holm-corrected over the study, with a verdict from the numbers."""

import numpy as np
import pandas as pd
import pytest

from hybridir.errors import DataError
from hybridir.evaluate.significance import holm
from hybridir.report.data.answer import BETTER, NO_DIFFERENCE, WORSE, Comparison, answer_table, verdict
from hybridir.report.pages.answer import study_page, summary_lines
from hybridir.report.pages.document import to_markdown


def significance_row(**changes: object) -> dict:
    """One row of a significance table: x_x (a) against hybrid at 0.5 (b) on bench's mono mAP."""
    row = {
        "encoder": "tiny", "benchmark": "bench", "setting": "mono", "metric": "map",
        "strategy_a": "x_x", "alpha_a": None, "mixture_a": None, "seeds_a": [1, 2],
        "strategy_b": "hybrid", "alpha_b": 0.5, "mixture_b": None, "seeds_b": [1, 2],
        "value_a": 0.40, "value_b": 0.50, "difference": 0.10, "ci_low": 0.05, "ci_high": 0.15,
        "p_value": 0.001, "questions": 30, "resamples": 1000,
    }  # fmt: skip
    return row | changes


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def groups(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{"grouping": "training", "group": "unseen", "languages": ["el"], **r} for r in rows])


HYBRID = {
    "encoder": "tiny",
    "benchmark": "bench",
    "setting": "mono",
    "metric": "map",
    "strategy": "hybrid",
    "alpha": 0.5,
}


def test_a_comparison_reads_its_row_as_strategy_minus_against_either_way_round() -> None:
    significance = table(significance_row())
    forward = answer_table([Comparison(**HYBRID, against="x_x")], significance, groups())
    backward = answer_table(
        [Comparison(**(HYBRID | {"strategy": "x_x", "alpha": None}), against="hybrid", against_alpha=0.5)],
        significance,
        groups(),
    )
    assert forward.loc[0, ["value", "value_against", "difference", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.5, 0.4, 0.1, 0.05, 0.15]
    )
    assert backward.loc[0, ["value", "value_against", "difference", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.4, 0.5, -0.1, -0.15, -0.05]
    )
    assert (forward.loc[0, "verdict"], backward.loc[0, "verdict"]) == (BETTER, WORSE)


def test_holm_is_over_the_studys_comparisons_and_decides_the_verdict() -> None:
    significance = table(
        significance_row(),
        significance_row(setting="cross", p_value=0.03),
        significance_row(
            setting="multi", metric="rank_distance", difference=-0.2, ci_low=-0.3, ci_high=-0.1, p_value=0.04
        ),
    )
    comparisons = [
        Comparison(**(HYBRID | {"setting": s, "metric": m}), against="x_x")
        for s, m in (("mono", "map"), ("cross", "map"), ("multi", "rank_distance"))
    ]
    answer = answer_table(comparisons, significance, groups())
    assert answer["p_holm"].tolist() == pytest.approx(holm(np.array([0.001, 0.03, 0.04])).tolist())
    assert answer["p_holm"].tolist() == pytest.approx([0.003, 0.06, 0.06])  # below 0.05 alone, not in the family
    assert answer["verdict"].tolist() == [BETTER, NO_DIFFERENCE, NO_DIFFERENCE]
    assert set(answer["comparisons"]) == {3}


def test_a_lower_rank_distance_is_better() -> None:
    assert verdict(-0.2, 0.01, "rank_distance") == BETTER
    assert verdict(0.2, 0.01, "rank_distance") == WORSE
    assert verdict(0.2, 0.05, "map") == NO_DIFFERENCE


def test_a_language_group_comparison_reads_the_group_table() -> None:
    significance = table(significance_row())
    group_table = groups(significance_row(difference=-0.02, ci_low=-0.04, ci_high=0.01, p_value=0.2))
    comparison = Comparison(**HYBRID, against="x_x", grouping="training", group="unseen")
    answer = answer_table([comparison], significance, group_table)
    assert answer.loc[0, "difference"] == pytest.approx(-0.02)
    assert answer.loc[0, "verdict"] == NO_DIFFERENCE
    assert "training unseen" in answer.loc[0, "comparison"]


def test_mixtures_tell_two_runs_of_one_strategy_apart() -> None:
    significance = table(
        significance_row(strategy_a="hybrid", alpha_a=0.5, mixture_a="paper", mixture_b="plus_domain", difference=0.03),
        significance_row(mixture_a="paper", mixture_b="paper"),
    )
    across = Comparison(**HYBRID, mixture="plus_domain", against="hybrid", against_alpha=0.5, against_mixture="paper")
    within = Comparison(**HYBRID, mixture="paper", against="x_x", against_mixture="paper")
    answer = answer_table([across, within], significance, groups())
    assert answer["difference"].tolist() == pytest.approx([0.03, 0.1])
    assert "on plus_domain vs hybrid (α 0.5) on paper" in answer.loc[0, "comparison"]


def test_a_comparison_without_its_row_names_it() -> None:
    with pytest.raises(DataError, match=r"hybrid \(α 0.5\) vs x_y: tiny on bench mono mAP.*found 0"):
        answer_table([Comparison(**HYBRID, against="x_y")], table(significance_row()), groups())


def test_the_page_states_the_question_and_a_finding_per_comparison_from_the_numbers() -> None:
    significance = table(significance_row(), significance_row(setting="cross", p_value=0.4))
    comparisons = [Comparison(**(HYBRID | {"setting": s}), against="x_x") for s in ("mono", "cross")]
    answer = answer_table(comparisons, significance, groups())
    study = {"name": "demo", "question": "Is hybrid better?"}
    config = {"training": {"encoders": [{"name": "tiny", "model": "m"}], "strategies": ["x_x", "hybrid"]}}
    config["training"] |= {"seeds": [1, 2], "mixtures": None}
    config["benchmarks"] = [{"name": "bench", "format": "lareqa"}]
    page = to_markdown(study_page(answer, study, config))
    assert "**Question.** Is hybrid better?" in page
    assert "mono mAP: 0.500 against 0.400, difference +0.100 [+0.050, +0.150], Holm p 0.002: **better**" in page
    assert "Holm p 0.400: **no significant difference at this scale**" in page
    summary = to_markdown(summary_lines(answer, study))
    assert "[report/tables/study.md](report/tables/study.md)" in summary and ": better" in summary
