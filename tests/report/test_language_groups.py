"""The report's results by language resources: the table with Holm-corrected verdicts, its page
(unknown values said so, sources listed) and the figure against CC-100 size."""

import itertools

import numpy as np
import pandas as pd
import pytest

from hybridir.evaluate.groups import compare_groups, group_metrics, group_statistics
from hybridir.evaluate.significance import holm
from hybridir.report.data.language_groups import language_groups_table, seen_by
from hybridir.report.figures import base
from hybridir.report.figures.resources import resources_figure, slope
from hybridir.report.pages.document import to_markdown
from hybridir.report.pages.language_groups import language_groups_page
from hybridir.resources import language, language_groups
from hybridir.tables import to_arrow
from tests.support.images import assert_valid_pdf, assert_valid_png
from tests.support.per_query import per_query_rows

LANGUAGES = ("en", "de", "sw", "yo")
SEEN = ["en", "de"]
SETTINGS = {"candidate_context": True, "max_length": None, "resamples": 200, "seeds": [1, 2]}
BOOST = {"x_x": 0.0, "hybrid": 0.3}  # hybrid much better on the unseen languages


def run_table(rng: np.random.Generator, boost: float) -> pd.DataFrame:
    """MIRACL-like: each language its own 40 questions, mono only; unseen languages get `boost`."""
    rows = []
    for lang, q in itertools.product(LANGUAGES, range(40)):
        value = min(1.0, rng.uniform(0.2, 0.6) + (boost if lang not in SEEN else 0.0))
        rows.append(("mono", lang, lang, f"{lang}{q}", value))
    return per_query_rows(rows)


@pytest.fixture(scope="module")
def evaluated() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The evaluate stage's language_groups and language_group_significance tables of one benchmark."""
    rng = np.random.default_rng(0)
    runs = {"zero_shot": run_table(rng, 0.0)}
    runs |= {f"{s}-s{seed}": run_table(rng, boost) for s, boost in BOOST.items() for seed in (1, 2)}
    runs = {name.replace("hybrid-", "hybrid-a0.5-"): table for name, table in runs.items()}
    seen = {name: [] if name == "zero_shot" else SEEN for name in runs}
    groups = {name: language_groups([language(lang) for lang in LANGUAGES], seen[name], "xlmr") for name in runs}
    statistics = group_statistics(runs, "enc", groups, [("mono", "ndcg_10")], 1000, 0)
    return group_metrics(statistics, "bench"), compare_groups(statistics, "bench")


@pytest.fixture(scope="module")
def table(evaluated) -> pd.DataFrame:
    return language_groups_table(*evaluated, ["bench"])


RESOURCES = {
    "languages": {lang: language(lang).record() for lang in LANGUAGES},
    "families": {"enc": "xlmr", "tiny": None},
}


def test_the_table_has_every_grouping_but_single_languages_with_holm_verdicts(table, evaluated) -> None:
    to_arrow(table, "report_language_groups")
    assert set(table["grouping"]) == {"joshi_class", "training", "pretraining"}
    assert list(pd.unique(table["strategy"])) == ["zero_shot", "x_x", "hybrid"]
    hybrid = table[table["strategy"] == "hybrid"].set_index(["grouping", "group"])
    assert hybrid.loc[("training", "unseen"), "vs_x_x"] == "better"
    assert hybrid.loc[("training", "seen"), "vs_x_x"] == "not significant"
    assert table.loc[table["strategy"] != "hybrid", "vs_x_x"].isna().all()
    _, tests = evaluated
    family = tests[(tests["grouping"] != "language") & (tests["strategy_a"] == "x_x")]
    assert (table["comparisons"] == len(family)).all()
    adjusted = dict(zip(zip(family["grouping"], family["group"], strict=True), holm(family["p_value"]), strict=True))
    assert hybrid.loc[("training", "unseen"), "p_x_x"] == pytest.approx(adjusted[("training", "unseen")])


def test_seen_languages_per_strategy(evaluated) -> None:
    assert seen_by(evaluated[0]) == {"en": ["x_x", "hybrid α=0.5"], "de": ["x_x", "hybrid α=0.5"]}


def test_the_page_says_unknown_where_no_source_gives_a_value(table, evaluated) -> None:
    page = to_markdown(language_groups_page(table, evaluated[0], RESOURCES, SETTINGS))
    assert "| yo | Yoruba | unknown | 2 | mBERT, LaBSE | none |" in page
    assert "| en | English | 300.8 | 5 | XLM-R, mBERT, LaBSE | x_x, hybrid α=0.5 |" in page
    assert "`tiny`: unknown (no pretraining grouping)" in page and "lang2tax" in page
    assert "bench: mono nDCG@10 by Joshi et al. (2020) class" in page
    unseen = next(line for line in page.splitlines() if line.startswith("| unseen |"))
    assert "sw, yo" in unseen and "†" in unseen


def test_the_page_of_a_benchmark_with_one_class_says_so(evaluated) -> None:
    groups = evaluated[0][evaluated[0]["group"] != "class 2"]
    one = language_groups_table(groups, evaluated[1], ["bench"])
    page = to_markdown(language_groups_page(one, groups, RESOURCES, SETTINGS))
    assert "One group only (class 5)" in page


def test_the_figure_against_cc100_size(evaluated, tmp_path) -> None:
    sizes = {lang: language(lang).cc100_gib for lang in LANGUAGES}
    figure = resources_figure(evaluated[0], "enc", "bench", ("mono", "ndcg_10"), sizes)
    assert "not drawn (no CC-100 size): yo" in figure.get_suptitle()
    base.save(figure, tmp_path / "r.png", tmp_path / "r.pdf")
    assert_valid_png(tmp_path / "r.png")
    assert_valid_pdf(tmp_path / "r.pdf")
    empty = resources_figure(evaluated[0], "enc", "bench", ("mono", "ndcg_10"), dict.fromkeys(LANGUAGES))
    assert "no language with both" in empty.axes[0].texts[0].get_text()


def test_slope_per_ten_times_more_data() -> None:
    assert slope(np.array([1.0, 10.0, 100.0]), np.array([0.2, 0.3, 0.4])) == pytest.approx(0.1)
    assert slope(np.array([5.0, 5.0]), np.array([0.2, 0.3])) is None
