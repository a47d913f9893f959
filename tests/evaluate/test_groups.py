"""Results per group of languages: values and spreads against a brute-force computation from the
per_query rows, the seed part of the interval against exact enumeration, the question part
against a hand-written stratified bootstrap, draws within strata, and which pairs are compared."""

import itertools

import numpy as np
import pandas as pd
import pytest

from hybridir.evaluate.bootstrap import draw_counts, stratified_counts
from hybridir.evaluate.groups import compare_groups, group_metrics, group_statistics
from hybridir.resources import language, language_groups
from hybridir.tables import to_arrow
from tests.support.per_query import per_query_rows

LANGUAGES = ("de", "en", "sw")  # class 5, 5, 2
ROWS = [language(lang) for lang in LANGUAGES]
SEEN = ["de", "en"]
MEASURES = [("mono", "map"), ("cross", "map"), ("multi", "map")]


def parallel_run(rng: np.random.Generator, questions: int, level: dict[str, float] | None = None) -> pd.DataFrame:
    """Every question in every language, mono, cross and multi; values random, or `level[lang]` for
    every query of a language (no question variance)."""
    rows = []
    for q, lang in itertools.product(range(questions), LANGUAGES):
        value = (lambda lang=lang: level[lang]) if level else rng.random
        rows.append(("mono", lang, lang, f"q{q:03d}", value()))
        rows += [("cross", lang, pool, f"q{q:03d}", value()) for pool in LANGUAGES if pool != lang]
        rows.append(("multi", lang, "all", f"q{q:03d}", value()))
    return per_query_rows(rows)


def statistics(runs: dict[str, pd.DataFrame], resamples: int = 300, seed: int = 0, seen: dict | None = None):
    seen = seen or {name: [] if name == "zero_shot" else SEEN for name in runs}
    groups = {name: language_groups(ROWS, seen[name], "xlmr") for name in runs}
    return group_statistics(runs, "enc", groups, MEASURES, resamples, seed)


def brute_force_value(table: pd.DataFrame, languages: tuple[str, ...], setting: str) -> float:
    """A group's value in one run: per language the mean over its cells' query means, then the mean over languages."""
    rows = table[(table["setting"] == setting) & table["query_lang"].isin(languages)]
    cells = rows.groupby(["query_lang", "pool_lang"])["ap"].mean()
    return float(cells.groupby(level="query_lang").mean().mean())


def test_group_values_and_spreads_are_means_over_languages_then_seeds() -> None:
    rng = np.random.default_rng(0)
    names = ["zero_shot", "x_x-s1", "x_x-s2", "x_x-s3", "hybrid-a0.5-s1"]
    runs = {name: parallel_run(rng, 12) for name in names}
    table = group_metrics(statistics(runs), "bench")
    to_arrow(table, "language_groups")
    for row in table.itertuples(index=False):
        strategy = "hybrid-a0.5" if row.strategy == "hybrid" else row.strategy
        own = [name for name in names if name == strategy or name.startswith(f"{strategy}-s")]
        values = [brute_force_value(runs[name], tuple(row.languages), row.setting) for name in own]
        assert row.value == pytest.approx(np.mean(values)), row
        if len(values) > 1:
            assert row.seed_sd == pytest.approx(np.std(values, ddof=1))
        else:
            assert np.isnan(row.seed_sd)
        assert row.ci_low <= row.value + 1e-12 <= row.ci_high + 2e-12
    groups = set(zip(table["strategy"], table["grouping"], table["group"], strict=True))
    assert ("zero_shot", "training", "unseen") in groups and ("zero_shot", "training", "seen") not in groups
    assert {("x_x", "training", "seen"), ("x_x", "joshi_class", "class 2"), ("x_x", "language", "sw")} <= groups
    x_x = table[(table["strategy"] == "x_x") & (table["setting"] == "mono")]
    assert list(zip(x_x["grouping"], x_x["group"], strict=True)) == [
        ("language", "de"), ("language", "en"), ("language", "sw"), ("joshi_class", "class 5"),
        ("joshi_class", "class 2"), ("training", "seen"), ("training", "unseen"), ("pretraining", "pretrained"),
    ]  # fmt: skip
    queries = table.set_index(["strategy", "grouping", "group", "setting"])["queries"]
    assert queries[("x_x", "joshi_class", "class 5", "cross")] == 12 * 2 * 2  # 2 languages x 2 pools each


def test_the_seed_part_of_the_interval_matches_exact_enumeration() -> None:
    """Every query of a language has one value per run, so resampling questions changes nothing:
    the interval is the quantiles of the 27 equally likely draws of three seeds, spread by sqrt(3 / 2)."""
    levels = [
        {"de": 0.50, "en": 0.60, "sw": 0.20},
        {"de": 0.55, "en": 0.61, "sw": 0.35},
        {"de": 0.52, "en": 0.70, "sw": 0.30},
    ]
    runs = {f"x_x-s{i + 1}": parallel_run(np.random.default_rng(i), 5, level) for i, level in enumerate(levels)}
    table = group_metrics(statistics(runs, resamples=5000, seed=1), "bench").set_index(["grouping", "group", "setting"])
    per_seed = np.array([np.mean([level["de"], level["en"]]) for level in levels])  # class 5
    draws = np.array(list(itertools.product(range(3), repeat=3)))
    exact = per_seed.mean() + np.sqrt(3 / 2) * (per_seed[draws].mean(axis=1) - per_seed.mean())
    row = table.loc[("joshi_class", "class 5", "mono")]
    low, high = np.percentile(exact, [2.5, 97.5], method="inverted_cdf")  # a draw of 1/27 lies beyond 2.5%
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-9)


def test_the_question_part_resamples_questions_within_each_language() -> None:
    """MIRACL-like: each language its own questions (20, 40, 80); one seed: the group's interval is
    a bootstrap that draws every language's questions on their own, as written here by hand."""
    rng = np.random.default_rng(2)
    sizes = {"de": 20, "en": 40, "sw": 80}
    values = {lang: rng.beta(2, 3, n) for lang, n in sizes.items()}
    rows = [("mono", lang, lang, f"{lang}{q}", float(v)) for lang in LANGUAGES for q, v in enumerate(values[lang])]
    runs = {"x_x-s1": per_query_rows(rows)}
    groups = {"x_x-s1": language_groups(ROWS, SEEN, None)}
    stats = group_statistics(runs, "enc", groups, [("mono", "map")], 4000, 3)
    table = group_metrics(stats, "bench").set_index(["grouping", "group"])
    by_hand = np.random.default_rng(99)
    resampled = np.mean(
        [[by_hand.choice(values[lang], sizes[lang]).mean() for _ in range(4000)] for lang in ("de", "en")], axis=0
    )
    low, high = np.percentile(resampled, [2.5, 97.5])
    row = table.loc[("training", "seen")]
    assert row["value"] == pytest.approx((values["de"].mean() + values["en"].mean()) / 2)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=0.08 * (high - low))


def test_stratified_draws_keep_each_strata_size_and_one_stratum_is_a_plain_draw() -> None:
    strata = np.array([0, 1, 1, 0, 2, 1, 1])
    counts = stratified_counts(strata, 50, np.random.default_rng(4))
    for stratum, size in zip(*np.unique(strata, return_counts=True), strict=True):
        assert (counts[:, strata == stratum].sum(axis=1) == size).all()
    one = stratified_counts(np.zeros(9, dtype=int), 30, np.random.default_rng(5))
    np.testing.assert_array_equal(one, draw_counts(9, 30, np.random.default_rng(5)))


def test_pairs_are_compared_on_groups_of_the_same_languages_only() -> None:
    rng = np.random.default_rng(6)
    table = parallel_run(rng, 10)
    runs = {"x_x-s1": table, "en_en-s1": table.copy(), "hybrid-a0.5-s1": table.copy()}
    seen = {"x_x-s1": SEEN, "en_en-s1": ["en"], "hybrid-a0.5-s1": SEEN}
    result = compare_groups(statistics(runs, seen=seen), "bench")
    to_arrow(result, "language_group_significance")
    assert (result["difference"] == 0).all() and (result["p_value"] == 1).all()
    training = result[result["grouping"] == "training"]
    pairs = set(zip(training["strategy_a"], training["strategy_b"], strict=True))
    assert pairs == {("x_x", "hybrid")}  # en_en saw en only: its seen / unseen groups differ
    assert set(result.loc[result["strategy_a"] == "en_en", "grouping"]) == {"language", "joshi_class", "pretraining"}
    assert (result["questions"] == 10).all()


def test_en_to_x_is_grouped_by_its_pool_and_weighted_queries_by_their_weights() -> None:
    """Tatoeba-like pairs (question '<xx>-en/<i>' in to_en: xx -> en and from_en: en -> xx): a
    from_en cell counts for its pool's language; queries weigh as their weights, which differ
    between seeds (as BUCC's do); every language is a stratum of its own."""
    rng = np.random.default_rng(3)

    def pairs() -> pd.DataFrame:
        rows = []
        for lang, i in itertools.product(("de", "sw"), range(8)):
            rows += [
                ("to_en", lang, "en", f"{lang}-en/{i}", rng.random()),
                ("from_en", "en", lang, f"{lang}-en/{i}", 0),
            ]
        table = per_query_rows(rows)
        return table.assign(accuracy=rng.random(len(table)), weight=rng.integers(1, 4, len(table)).astype(float))

    runs = {"x_x-s1": pairs(), "x_x-s2": pairs()}
    rows = [language(lang) for lang in ("de", "sw")]
    groups = {name: language_groups(rows, ["de"], None) for name in runs}
    measures = [("from_en", "accuracy"), ("to_en", "accuracy")]
    table = group_metrics(group_statistics(runs, "enc", groups, measures, 50, 0), "bench")
    for row in table.itertuples(index=False):
        side = "pool_lang" if row.setting == "from_en" else "query_lang"
        values = []
        for run in runs.values():
            chosen = run[(run["setting"] == row.setting) & run[side].isin(row.languages)]
            weighted = (chosen["accuracy"] * chosen["weight"]).groupby(chosen[side]).sum()
            values.append(float((weighted / chosen.groupby(side)["weight"].sum()).mean()))
        assert row.value == pytest.approx(np.mean(values)), row
    unseen = table[(table["grouping"] == "training") & (table["group"] == "unseen")]
    assert unseen["languages"].map(list).tolist() == [["sw"], ["sw"]] and set(unseen["setting"]) == {"from_en", "to_en"}
