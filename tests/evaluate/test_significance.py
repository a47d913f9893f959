"""Strategies over seeds: means and spreads as the runs' `metrics`, the multi-bootstrap interval and
p-value (against exact enumeration of seed draws and scipy's bootstrap), a difference smaller than
the seed spread not called significant, Holm's correction, query-set checks."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from hybridir.errors import ConfigError, DataError
from hybridir.evaluate.cells import means
from hybridir.evaluate.seeds import seed_statistics, strategy_metrics
from hybridir.evaluate.significance import compare_strategies, holm
from hybridir.tables import read_table, to_arrow, write_table
from hybridir.vocabulary import METRICS
from tests.support.per_query import per_query_rows

VALUE_COLUMNS = [metric.column for metric in METRICS.values()]


def run_table(rng: np.random.Generator, questions: int, languages: tuple[str, ...] = ("de", "en")) -> pd.DataFrame:
    """mono, cross and multi queries of every question in every language, random values in [0, 1]."""
    rows = []
    for q, query_lang in itertools.product(range(questions), languages):
        rows.append(("mono", query_lang, query_lang, f"q{q:03d}", rng.random()))
        rows += [("cross", query_lang, pool, f"q{q:03d}", rng.random()) for pool in languages if pool != query_lang]
        rows.append(("multi", query_lang, "all", f"q{q:03d}", rng.random()))
    return per_query_rows(rows)


def mono_table(values: np.ndarray) -> pd.DataFrame:
    """One mono query (en) per question, question q with values[q]."""
    return per_query_rows([("mono", "en", "en", f"q{q:03d}", float(v)) for q, v in enumerate(values)])


def shifted(table: pd.DataFrame, values: np.ndarray | float) -> pd.DataFrame:
    """`table` with `values` (one per row, or one for all) added to every metric."""
    return table.assign(**{column: table[column] + values for column in VALUE_COLUMNS})


def compared(runs: dict[str, pd.DataFrame], resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """The significance table of `runs` (of encoder 'enc'), indexed by setting and metric."""
    table = compare_strategies(seed_statistics(runs, "enc", resamples, seed), "bench")
    return table.set_index(["setting", "metric"])


def test_identical_strategies_differ_by_zero_with_p_one() -> None:
    table = run_table(np.random.default_rng(0), 30)
    result = compared({"x_x-s1": table, "x_y-s1": table.copy()})
    assert (result["difference"] == 0).all() and (result["p_value"] == 1).all()
    assert (result["ci_low"] == 0).all() and (result["ci_high"] == 0).all()


def test_values_and_spreads_are_those_of_the_runs_over_seeds() -> None:
    rng = np.random.default_rng(1)
    runs = {name: run_table(rng, 20, ("de", "en", "es")) for name in ("x_x-s1", "x_x-s2", "x_x-s3", "hybrid-a0.5-s1")}
    statistics = seed_statistics(runs, "enc", 200, 0)
    table = strategy_metrics(statistics, "bench")
    to_arrow(table, "strategy_metrics")
    key = ["setting", "query_lang", "pool_lang", "metric"]
    per_run = pd.concat({name: means(runs[name]).set_index(key)["value"] for name in runs}, axis=1)
    x_x = table[table["strategy"] == "x_x"].set_index(key)
    assert x_x["seeds"].map(list).eq([[1, 2, 3]] * len(x_x)).all()
    seeds = per_run[["x_x-s1", "x_x-s2", "x_x-s3"]].loc[x_x.index]
    np.testing.assert_allclose(x_x["value"], seeds.mean(axis=1))
    np.testing.assert_allclose(x_x["seed_sd"], seeds.std(axis=1, ddof=1))
    assert ("cross", "de", "macro", "map") in x_x.index  # the mean over de's pools en and es
    hybrid = table[table["strategy"] == "hybrid"].set_index(key)
    np.testing.assert_allclose(hybrid["value"], per_run["hybrid-a0.5-s1"].loc[hybrid.index])
    assert hybrid["seed_sd"].isna().all() and (hybrid["alpha"] == 0.5).all()
    assert ((table["ci_low"] <= table["value"] + 1e-12) & (table["value"] <= table["ci_high"] + 1e-12)).all()
    result = compare_strategies(statistics, "bench").set_index(["setting", "metric"])
    overall = x_x.xs(("macro", "macro"), level=["query_lang", "pool_lang"])["value"]
    pd.testing.assert_series_equal(result["value_a"], overall.loc[result.index], check_names=False)


def seed_runs(strategy: str, offsets: list[float], base: np.ndarray, noise: float, rng: np.random.Generator) -> dict:
    """Runs of one strategy: per seed, `base` per question plus the seed's offset plus query noise."""
    return {
        f"{strategy}-s{seed}": mono_table(base + offset + rng.normal(0, noise, len(base)))
        for seed, offset in enumerate(offsets, start=1)
    }


def test_a_difference_smaller_than_the_seed_spread_is_not_significant() -> None:
    """hybrid is 0.02 above x_x on average, its seeds spread by 0.04: not significant over all
    seeds, though one pair of seeds that differs by the same 0.02 is, on questions alone."""
    rng = np.random.default_rng(2)
    base = rng.uniform(0.3, 0.7, 300)
    x_x = seed_runs("x_x", [-0.04, 0.0, 0.04], base, 0.02, rng)
    hybrid = seed_runs("hybrid-a0.5", [-0.02, 0.02, 0.06], base, 0.02, rng)
    result = compared(x_x | hybrid).loc[("mono", "map")]
    assert result["difference"] == pytest.approx(0.02, abs=0.005)
    assert result["p_value"] > 0.05 and result["ci_low"] < 0 < result["ci_high"]
    one_pair = compared({"x_x-s2": x_x["x_x-s2"], "hybrid-a0.5-s1": hybrid["hybrid-a0.5-s2"]}).loc[("mono", "map")]
    assert one_pair["difference"] == pytest.approx(0.02, abs=0.005)
    assert one_pair["p_value"] < 0.01 and one_pair["ci_low"] > 0


def test_a_difference_beyond_the_seed_spread_is_significant() -> None:
    rng = np.random.default_rng(3)
    base = rng.uniform(0.3, 0.7, 300)
    x_x = seed_runs("x_x", [-0.01, 0.0, 0.01], base, 0.02, rng)
    hybrid = seed_runs("hybrid-a0.5", [0.09, 0.1, 0.11], base, 0.02, rng)
    result = compared(x_x | hybrid, resamples=999).loc[("mono", "map")]
    assert result["p_value"] == pytest.approx(2 / 1000) and result["ci_low"] > 0.05


def test_p_value_matches_exact_enumeration_of_the_seed_draws() -> None:
    """Without question variance a resample differs only by its seed draws: all 27 x 27 draws of
    three seeds per strategy enumerated, seed deviations scaled by sqrt(3 / 2)."""
    seeds = {"x_x": np.array([0.50, 0.53, 0.55]), "hybrid-a0.5": np.array([0.51, 0.56, 0.60])}
    runs = {f"{s}-s{i + 1}": mono_table(np.full(20, v)) for s, values in seeds.items() for i, v in enumerate(values)}

    def resampled(values: np.ndarray) -> np.ndarray:
        draws = np.array(list(itertools.product(range(3), repeat=3)))
        return values.mean() + np.sqrt(3 / 2) * (values[draws].mean(axis=1) - values.mean())

    differences = resampled(seeds["hybrid-a0.5"])[None, :] - resampled(seeds["x_x"])[:, None]
    exact = 2 * min((differences <= 1e-12).mean(), (differences >= -1e-12).mean())
    assert 0.02 < exact < 0.9
    result = compared(runs, resamples=20000, seed=1).loc[("mono", "map")]
    assert result["p_value"] == pytest.approx(exact, abs=0.012)
    low, high = np.percentile(differences, [2.5, 97.5])
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((low, high), abs=0.003)


def test_one_seed_each_is_a_paired_bootstrap_of_the_questions_as_scipy_computes_it() -> None:
    rng = np.random.default_rng(4)
    a = rng.random(60)
    b = a + rng.normal(0.05, 0.2, 60)
    result = compared({"x_x-s1": mono_table(a), "x_y-s1": mono_table(b)}, resamples=20000).loc[("mono", "map")]
    reference = stats.bootstrap((b - a,), np.mean, n_resamples=20000, method="percentile", random_state=0)
    width = reference.confidence_interval.high - reference.confidence_interval.low
    assert result["ci_low"] == pytest.approx(reference.confidence_interval.low, abs=0.05 * width)
    assert result["ci_high"] == pytest.approx(reference.confidence_interval.high, abs=0.05 * width)
    assert result["difference"] == pytest.approx((b - a).mean())


def test_strategies_alike_but_for_their_seeds_are_rarely_called_different() -> None:
    """Two strategies of one distribution, seeds spread by 0.03: over 60 experiments the multi-
    bootstrap rejects at 0.05 rarely, comparing one seed of each on questions alone often."""
    rng = np.random.default_rng(5)
    rejected, one_pair_rejected = [], []
    for trial in range(60):
        base = rng.uniform(0.3, 0.7, 60)
        x_x = seed_runs("x_x", list(rng.normal(0, 0.03, 3)), base, 0.02, rng)
        x_y = seed_runs("x_y", list(rng.normal(0, 0.03, 3)), base, 0.02, rng)
        rejected.append(compared(x_x | x_y, resamples=299, seed=trial).loc[("mono", "map"), "p_value"] < 0.05)
        pair = {"x_x-s1": x_x["x_x-s1"], "x_y-s1": x_y["x_y-s1"]}
        one_pair_rejected.append(compared(pair, resamples=299, seed=trial).loc[("mono", "map"), "p_value"] < 0.05)
    assert np.mean(rejected) <= 0.15
    assert np.mean(one_pair_rejected) >= 0.5


def test_holm_adjusts_a_family_by_hand() -> None:
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (monotone)
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(holm([0.2]), [0.2])
    np.testing.assert_allclose(holm([0.5, 0.6]), [1.0, 1.0])


def test_every_pair_of_strategies_once_with_its_seeds() -> None:
    rng = np.random.default_rng(6)
    names = ["zero_shot", "x_x-s1", "x_x-s2", "x_y-s1", "x_y-s2", "hybrid-a0.5-s1", "hybrid-a0.5-s2"]
    result = compare_strategies(seed_statistics({n: run_table(rng, 10) for n in names}, "enc", 100, 0), "bench")
    to_arrow(result, "significance")
    pairs = list(dict.fromkeys(zip(result["strategy_a"], result["strategy_b"], strict=True)))
    assert pairs == [("zero_shot", "x_x"), ("zero_shot", "x_y"), ("zero_shot", "hybrid"), ("x_x", "x_y"),
                     ("x_x", "hybrid"), ("x_y", "hybrid")]  # fmt: skip
    measures = sum(setting in metric.settings for setting in ("mono", "cross", "multi") for metric in METRICS.values())
    assert len(result) == 6 * measures and (result["resamples"] == 100).all() and (result["questions"] == 10).all()
    first = result.iloc[0]
    assert list(first["seeds_a"]) == [] and list(first["seeds_b"]) == [1, 2] and pd.isna(first["alpha_a"])
    assert set(result.loc[result["strategy_b"] == "hybrid", "alpha_b"]) == {0.5}


def test_adding_a_strategy_changes_no_other_interval() -> None:
    rng = np.random.default_rng(7)
    runs = {n: run_table(rng, 15) for n in ("x_x-s1", "x_x-s2", "x_y-s1", "x_y-s2")}
    alone = strategy_metrics(seed_statistics(runs, "enc", 300, 3), "bench")
    more = strategy_metrics(seed_statistics(runs | {"hybrid-a0.3-s1": run_table(rng, 15)}, "enc", 300, 3), "bench")
    pd.testing.assert_frame_equal(alone, more[more["strategy"] != "hybrid"].reset_index(drop=True))


def test_one_strategy_gives_an_empty_significance_table() -> None:
    runs = {"x_x-s1": run_table(np.random.default_rng(8), 3), "x_x-s2": run_table(np.random.default_rng(9), 3)}
    result = compare_strategies(seed_statistics(runs, "enc", 10, 0), "bench")
    assert result.empty and to_arrow(result, "significance").num_rows == 0


def test_runs_with_different_queries_are_rejected_with_a_missing_key() -> None:
    a = run_table(np.random.default_rng(10), 5)
    b = a.drop(index=3)
    missing = a.loc[3, ["setting", "query_id", "pool_lang"]].to_dict()
    with pytest.raises(
        DataError, match=r"runs 'x_x-s1' and 'x_y-s1' have different queries: .* 'x_x-s1' only"
    ) as error:
        compared({"x_x-s1": a, "x_y-s1": b})
    assert str(missing) in str(error.value)
    with pytest.raises(DataError, match="is in 'x_y-s1' only"):
        compared({"x_x-s1": b, "x_y-s1": a})


def test_a_run_read_back_from_parquet_compares_with_one_in_memory(tmp_path) -> None:
    table = run_table(np.random.default_rng(11), 8)
    write_table(table, tmp_path / "per_query.parquet", "per_query")
    result = compared({"x_x-s1": read_table(tmp_path / "per_query.parquet", "per_query"), "x_y-s1": table})
    assert (result["difference"] == 0).all() and (result["p_value"] == 1).all()


def test_runs_with_the_same_queries_but_other_questions_or_no_resamples_are_rejected() -> None:
    a = run_table(np.random.default_rng(12), 4)
    other = a.assign(question_id=a["question_id"].replace("q000", "q001"))
    with pytest.raises(DataError, match="different question ids or defined metrics"):
        compared({"x_x-s1": a, "x_y-s1": other})
    with pytest.raises(ConfigError, match=r"evaluation\.resamples: bootstrap resamples must be >= 1"):
        compared({"x_x-s1": a, "x_y-s1": a}, resamples=0)
