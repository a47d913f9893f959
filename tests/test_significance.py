"""Paired comparisons of runs: macro values as in `metrics`, bootstrap interval of the difference,
randomization test over questions (against exact enumeration and scipy), query-set checks."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_metrics import per_query_rows

from hybridir.errors import ConfigError, DataError
from hybridir.evaluate.metrics import COLUMNS, means
from hybridir.evaluate.significance import compare_runs
from hybridir.tables import read_table, to_arrow, write_table

VALUE_COLUMNS = list(COLUMNS.values())


def run_table(rng: np.random.Generator, questions: int, languages: tuple[str, ...] = ("de", "en")) -> pd.DataFrame:
    """mono, cross and multi queries of every question in every language, random values in [0, 1]."""
    rows = []
    for q, query_lang in itertools.product(range(questions), languages):
        rows.append(("mono", query_lang, query_lang, f"q{q:03d}", rng.random()))
        rows += [("cross", query_lang, pool, f"q{q:03d}", rng.random()) for pool in languages if pool != query_lang]
        rows.append(("multi", query_lang, "all", f"q{q:03d}", rng.random()))
    return per_query_rows(rows)


def shifted(table: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """`table` with `values` (one per row) added to every metric."""
    return table.assign(**{column: table[column] + values for column in VALUE_COLUMNS})


def compared(a: pd.DataFrame, b: pd.DataFrame, resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    return compare_runs({"a": a, "b": b}, "enc", "bench", resamples, seed).set_index(["setting", "metric"])


def test_identical_runs_differ_by_zero_with_p_one() -> None:
    table = run_table(np.random.default_rng(0), 30)
    result = compared(table, table.copy())
    assert (result["difference"] == 0).all() and (result["p_value"] == 1).all()
    assert (result["ci_low"] == 0).all() and (result["ci_high"] == 0).all() and not result["significant"].any()


def test_values_are_the_macros_of_the_metrics_table() -> None:
    rng = np.random.default_rng(1)
    a, b = run_table(rng, 20), run_table(rng, 20)
    result = compared(a, b)
    for run, column in [(a, "value_a"), (b, "value_b")]:
        macro = means(run).query("query_lang == 'macro'").set_index(["setting", "metric"])["value"]
        pd.testing.assert_series_equal(result[column], macro.loc[result.index], check_names=False)
    np.testing.assert_allclose(result["difference"], result["value_b"] - result["value_a"])
    assert result.loc[("multi", "rank_distance"), "questions"] == 20
    assert ("mono", "rank_distance") not in result.index


def test_a_run_better_on_every_question_is_significant() -> None:
    rng = np.random.default_rng(2)
    a = run_table(rng, 40)
    result = compared(a, shifted(a, 0.02 + 0.01 * rng.random(len(a))), resamples=999)
    assert (result["p_value"] == 1 / 1000).all() and result["significant"].all()
    assert (result["ci_low"] > 0).all() and (result["ci_low"] <= result["difference"]).all()
    assert (result["difference"] <= result["ci_high"]).all()


def test_null_comparisons_reject_at_the_nominal_rate_with_question_level_correlation() -> None:
    """Differences share a random question effect across languages; swapping labels per query
    instead of per question would reject about three times too often."""
    rng = np.random.default_rng(3)
    a = per_query_rows([("mono", lang, lang, f"q{q:02d}", 0.5) for lang in ("de", "en") for q in range(15)])
    question = a["question_id"].str[1:].astype(int).to_numpy()
    rejected, covered = [], []
    for trial in range(200):
        effect = rng.normal(0, 0.1, 15)[question] + rng.normal(0, 0.01, len(a))
        result = compared(a, shifted(a, effect), resamples=199, seed=trial).loc[("mono", "map")]
        rejected.append(result["significant"])
        covered.append(result["ci_low"] <= 0 <= result["ci_high"])
    assert 0.02 <= np.mean(rejected) <= 0.09
    assert np.mean(covered) >= 0.88


def exact_p(a: pd.DataFrame, b: pd.DataFrame) -> pd.Series:
    """p of each macro difference over all 2^n swaps of the runs' labels per question, recomputed
    from the swapped per_query tables."""

    def differences(first: pd.DataFrame, second: pd.DataFrame) -> pd.Series:
        values = [
            means(run).query("query_lang == 'macro'").set_index(["setting", "metric"])["value"]
            for run in (first, second)
        ]
        return values[1] - values[0]

    observed = differences(a, b).abs()
    questions = sorted(set(a["question_id"]))
    extreme = observed * 0
    for swap in itertools.product([False, True], repeat=len(questions)):
        swapped = a["question_id"].isin([q for q, s in zip(questions, swap, strict=True) if s]).to_numpy()
        first, second = a.copy(), b.copy()
        first.loc[swapped, VALUE_COLUMNS] = b.loc[swapped, VALUE_COLUMNS]
        second.loc[swapped, VALUE_COLUMNS] = a.loc[swapped, VALUE_COLUMNS]
        extreme += differences(first, second).abs() >= observed * (1 - 1e-9)
    return extreme / 2 ** len(questions)


def test_randomization_p_matches_exact_enumeration_over_question_swaps() -> None:
    rng = np.random.default_rng(4)
    rows = [("mono", "en", "en", f"q{q}", 0.0) for q in range(7)]
    rows += [("mono", "de", "de", f"q{q}", 0.0) for q in range(0, 7, 2)]
    rows += [("cross", "en", "de", f"q{q}", 0.0) for q in range(7)]
    a = per_query_rows(rows)
    a = shifted(a, rng.random(len(a)))
    b = shifted(a, rng.normal(0.08, 0.15, len(a)))
    result = compared(a, b, resamples=20000, seed=1)
    expected = exact_p(a, b).loc[result.index]
    assert expected.between(0.02, 0.9).all() and expected.nunique() >= 2
    np.testing.assert_allclose(result["p_value"], expected, atol=0.012)


def test_randomization_p_matches_scipy_with_one_query_per_question() -> None:
    rng = np.random.default_rng(9)
    a = shifted(per_query_rows([("mono", "en", "en", f"q{q}", 0.0) for q in range(10)]), rng.random(10))
    b = shifted(a, rng.normal(0.1, 0.25, 10))
    differences = (b["ap"] - a["ap"]).to_numpy()
    reference = stats.permutation_test(
        (differences,), np.mean, permutation_type="samples", n_resamples=np.inf, alternative="two-sided"
    )
    assert 0.02 < reference.pvalue < 0.9
    result = compared(a, b, resamples=20000, seed=2)
    assert result.loc[("mono", "map"), "p_value"] == pytest.approx(reference.pvalue, abs=0.012)


def test_every_pair_once_and_a_significance_table() -> None:
    rng = np.random.default_rng(6)
    runs = {name: run_table(rng, 10) for name in ("x_y-s1", "hybrid-a0.5-s1", "x_x-s1")}
    result = compare_runs(runs, "enc", "bench", 100, 0)
    to_arrow(result, "significance")
    assert sorted(set(zip(result["run_a"], result["run_b"], strict=True))) == [
        ("hybrid-a0.5-s1", "x_x-s1"),
        ("hybrid-a0.5-s1", "x_y-s1"),
        ("x_x-s1", "x_y-s1"),
    ]
    assert len(result) == 3 * (5 + 5 + 6) and (result["resamples"] == 100).all()
    assert (result["questions"] == 10).all()


def test_one_run_gives_an_empty_significance_table() -> None:
    result = compare_runs({"a": run_table(np.random.default_rng(7), 3)}, "enc", "bench", 10, 0)
    assert result.empty and to_arrow(result, "significance").num_rows == 0


def test_runs_with_different_queries_are_rejected_with_a_missing_key() -> None:
    a = run_table(np.random.default_rng(8), 5)
    b = a.drop(index=3)
    missing = a.loc[3, ["setting", "query_id", "pool_lang"]].to_dict()
    with pytest.raises(DataError, match=r"runs 'a' and 'b' have different queries: .* is in 'a' only") as error:
        compared(a, b)
    assert str(missing) in str(error.value)
    with pytest.raises(DataError, match="is in 'b' only"):
        compared(b, a)


def test_a_run_read_back_from_parquet_compares_with_one_in_memory(tmp_path) -> None:
    table = run_table(np.random.default_rng(9), 8)
    write_table(table, tmp_path / "per_query.parquet", "per_query")
    result = compared(read_table(tmp_path / "per_query.parquet", "per_query"), table)
    assert (result["difference"] == 0).all() and (result["p_value"] == 1).all()


def test_runs_with_the_same_queries_but_other_questions_or_no_resamples_are_rejected() -> None:
    a = run_table(np.random.default_rng(10), 4)
    with pytest.raises(DataError, match="different question ids or defined metrics"):
        compared(a, a.assign(question_id=a["question_id"].replace("q000", "q001")))
    with pytest.raises(ConfigError, match="resamples must be >= 1"):
        compared(a, a, resamples=0)
