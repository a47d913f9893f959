"""Per-query metrics against ranx and trec_eval (pytrec_eval); rank distance; macro means and
bootstrap intervals over questions."""

import re

import numpy as np
import pandas as pd
import pytest
import pytrec_eval
from ranx import Qrels, Run, evaluate

from hybridir.errors import ConfigError, DataError
from hybridir.evaluate.aggregate import aggregate
from hybridir.evaluate.cells import means
from hybridir.evaluate.metrics import per_query
from hybridir.tables import read_table, to_arrow, write_table
from hybridir.vocabulary import METRICS
from tests.support.per_query import per_query_rows

REFERENCE_METRICS = {  # ours: (ranx, trec_eval)
    "ap": ("map", "map"),
    "recall_1": ("recall@1", "recall_1"),
    "recall_10": ("recall@10", "recall_10"),
    "recall_100": ("recall@100", "recall_100"),
    "ndcg_10": ("ndcg@10", "ndcg_cut_10"),
}
IDENTITY = {
    "encoder": "e", "run": "hybrid-a0.5-s1", "strategy": "hybrid", "alpha": 0.5, "mixture": None, "seed": 1,
    "benchmark": "b",
}  # fmt: skip


def ranking_rows(rows: list[tuple]) -> pd.DataFrame:
    """A rankings table from (setting, query_id, question_id, query_lang, pool_lang, rank, relevance)."""
    frame = pd.DataFrame(
        rows, columns=["setting", "query_id", "question_id", "query_lang", "pool_lang", "rank", "relevance"]
    )
    return frame.assign(
        pool_size=1000,
        candidate_id=[f"c{i}" for i in range(len(frame))],
        candidate_lang="en",
        score=0.5,
        depth=None,
    )


@pytest.fixture(scope="module")
def random_runs() -> tuple[pd.DataFrame, dict, dict]:
    """Random graded qrels and distinct scores over pools of a few hundred candidates: our rankings
    table, and the per-query values of ranx and trec_eval on the full runs."""
    rng = np.random.default_rng(11)
    qrels, run, rows = {}, {}, []
    for q in range(150):
        query_id, pool = f"q{q:03d}", int(rng.integers(150, 400))
        count = 1 if q % 3 == 0 else int(rng.integers(2, 40))
        chosen = rng.choice(pool, size=count + 5, replace=False)
        relevant, judged_irrelevant = chosen[:count], chosen[count:]
        grades = rng.integers(1, 4, size=count)
        scores = rng.random(pool)
        scores[relevant] += rng.exponential(0.6, size=count)
        ranks = 1 + (scores[None, :] > scores[relevant, None]).sum(axis=1)
        qrels[query_id] = {f"d{d}": int(g) for d, g in zip(relevant, grades, strict=True)}
        qrels[query_id] |= {f"d{d}": 0 for d in judged_irrelevant}
        run[query_id] = {f"d{d}": float(s) for d, s in enumerate(scores)}
        rows += [("mono", query_id, query_id, "en", "en", int(r), int(g)) for r, g in zip(ranks, grades, strict=True)]
    ranx_values = evaluate(Qrels(qrels), Run(run), [m for m, _ in REFERENCE_METRICS.values()], return_mean=False)
    trec = pytrec_eval.RelevanceEvaluator(qrels, {"map", "recall.1,10,100", "ndcg_cut.10"}).evaluate(run)
    trec_values = {name: np.array([trec[q][name] for q in sorted(trec)]) for _, name in REFERENCE_METRICS.values()}
    return ranking_rows(rows), ranx_values, trec_values


@pytest.mark.parametrize("column", list(REFERENCE_METRICS))
def test_per_query_metrics_equal_ranx_and_trec_eval(random_runs, column: str) -> None:
    rankings, ranx_values, trec_values = random_runs
    table = per_query(rankings)
    assert table["query_id"].tolist() == sorted(table["query_id"])
    ours = table[column].to_numpy()
    ranx_name, trec_name = REFERENCE_METRICS[column]
    np.testing.assert_allclose(ours, ranx_values[ranx_name], rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours, trec_values[trec_name], rtol=0, atol=1e-6)
    assert abs(ours.mean() - ranx_values[ranx_name].mean()) < 1e-6
    assert 0 < ours.mean() < 1 and ours.std() > 0


def test_random_runs_cover_single_and_many_relevant_and_deep_ranks(random_runs) -> None:
    table = per_query(random_runs[0])
    assert (table["relevant"] == 1).sum() == 50 and table["relevant"].max() > 30
    assert 0 < table["recall_100"].mean() < 1 and table["recall_1"].mean() > 0


def test_hand_computed_values() -> None:
    rankings = ranking_rows(
        [
            ("mono", "en/1", "1", "en", "en", 2, 1),
            ("mono", "en/1", "1", "en", "en", 5, 3),
        ]
    )
    row = per_query(rankings).iloc[0]
    assert row["ap"] == pytest.approx((1 / 2 + 2 / 5) / 2)
    assert (row["recall_1"], row["recall_10"], row["relevant"]) == (0.0, 1.0, 2)
    assert row["ndcg_10"] == pytest.approx((1 / np.log2(3) + 3 / np.log2(6)) / (3 + 1 / np.log2(3)))


def test_rank_distance_only_in_multi_with_two_or_more_relevant() -> None:
    rankings = ranking_rows(
        [
            ("multi", "en/1", "1", "en", "all", 3, 1),
            ("multi", "en/1", "1", "en", "all", 10, 1),
            ("multi", "en/1", "1", "en", "all", 7, 1),
            ("multi", "de/1", "1", "de", "all", 4, 1),
            ("multi", "de/2", "2", "de", "all", 1, 1),
            ("multi", "de/2", "2", "de", "all", 2, 1),
            ("mono", "en/1", "1", "en", "en", 1, 1),
            ("mono", "en/1", "1", "en", "en", 9, 1),
            ("cross", "en/1", "1", "en", "de", 5, 1),
            ("cross", "en/1", "1", "en", "de", 6, 1),
        ]
    )
    table = per_query(rankings).set_index(["setting", "query_id"])
    assert table.loc[("multi", "en/1"), "rank_distance"] == 7
    assert table.loc[("multi", "de/2"), "rank_distance"] == 1
    for key in [("multi", "de/1"), ("mono", "en/1"), ("cross", "en/1")]:
        assert np.isnan(table.loc[key, "rank_distance"])
    arrow = to_arrow(per_query(rankings), "per_query")
    assert arrow.column("rank_distance").null_count == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("mono", "en/1", "1", "en", "en", 0, 1), "row 1: rank 0"),
        (("mono", "en/1", "1", "en", "en", 3, 0), "relevance 0"),
        (("mono", "en/1", "1", "en", "en", 2, 1), "row 1: .*two relevant candidates at rank 2"),
    ],
)
def test_malformed_rankings_are_named(row: tuple, message: str) -> None:
    rankings = ranking_rows([("mono", "en/1", "1", "en", "en", 2, 1), row])
    with pytest.raises(DataError, match=message):
        per_query(rankings)


def test_two_relevant_candidates_at_one_rank_name_the_second_row_and_its_query() -> None:
    rankings = ranking_rows([("mono", "en/1", "1", "en", "en", rank, 1) for rank in (1, 2, 2)])
    key = "{'setting': 'mono', 'query_id': 'en/1', 'pool_lang': 'en'}"
    with pytest.raises(DataError, match=f"rankings: row 2: {re.escape(key)} has two relevant candidates at rank 2"):
        per_query(rankings)


def test_the_last_rank_of_a_pool_is_valid_and_one_past_it_is_not() -> None:
    last = per_query(ranking_rows([("mono", "en/1", "1", "en", "en", 1000, 1)]))  # pool_size 1000
    assert last["ap"].tolist() == [0.001]
    with pytest.raises(DataError, match=r"row 0: rank 1001, .*pool_size \(1000\)"):
        per_query(ranking_rows([("mono", "en/1", "1", "en", "en", 1001, 1)]))


def test_empty_rankings_are_refused() -> None:
    with pytest.raises(DataError, match=r"^rankings: no rows \(no query has a relevant candidate in any pool\)$"):
        per_query(ranking_rows([]))


def test_rows_come_sorted_by_setting_query_and_pool_with_their_own_values() -> None:
    rankings = ranking_rows(
        [
            ("mono", "en/2", "2", "en", "en", 4, 1),
            ("mono", "en/1", "1", "en", "en", 1, 1),
            ("cross", "en/1", "1", "en", "de", 2, 1),
        ]
    )
    table = per_query(rankings)
    assert list(zip(table["setting"], table["query_id"], strict=True)) == [
        ("cross", "en/1"),
        ("mono", "en/1"),
        ("mono", "en/2"),
    ]
    assert table["ap"].tolist() == [0.5, 1.0, 0.25]
    assert table.index.tolist() == [0, 1, 2]


def tiny_table() -> pd.DataFrame:
    return per_query_rows(
        [
            ("mono", "en", "en", "q1", 1.0),
            ("mono", "en", "en", "q2", 0.5),
            ("mono", "en", "en", "q3", 0.0),
            ("mono", "de", "de", "q1", 1.0),
            ("cross", "en", "de", "q1", 0.2),
            ("cross", "de", "en", "q2", 0.4),
            ("multi", "en", "all", "q1", 0.3),
            ("multi", "de", "all", "q1", 0.9),
            ("multi", "de", "all", "q2", 0.6),
        ]
    )


def test_macro_is_the_mean_of_combination_means() -> None:
    summary = means(tiny_table()).set_index(["setting", "query_lang", "pool_lang", "metric"])
    assert summary.loc[("mono", "en", "en", "map"), "value"] == pytest.approx(0.5)
    assert summary.loc[("mono", "macro", "macro", "map"), "value"] == pytest.approx((0.5 + 1.0) / 2)
    assert summary.loc[("mono", "macro", "macro", "map"), "queries"] == 4
    assert summary.loc[("cross", "macro", "macro", "ndcg_10"), "value"] == pytest.approx(0.3)
    assert summary.loc[("multi", "macro", "macro", "rank_distance"), "value"] == pytest.approx((3 + 7.5) / 2)
    assert not summary.index.isin([("mono", "macro", "macro", "rank_distance")]).any()
    cross = summary.xs("cross").index.get_level_values("metric")
    assert set(cross) == {name for name, metric in METRICS.items() if "cross" in metric.settings} - {"rank_distance"}


def test_a_cross_query_language_averages_its_pools() -> None:
    table = per_query_rows(
        [
            ("cross", "en", "de", "q1", 0.2),
            ("cross", "en", "de", "q2", 0.4),
            ("cross", "en", "es", "q1", 0.9),
            ("cross", "de", "en", "q1", 0.5),
            ("mono", "en", "en", "q1", 1.0),
        ]
    )
    summary = means(table).set_index(["setting", "query_lang", "pool_lang", "metric"])
    assert summary.loc[("cross", "en", "macro", "map"), "value"] == pytest.approx((0.3 + 0.9) / 2)
    assert summary.loc[("cross", "en", "macro", "map"), "queries"] == 3
    assert summary.loc[("cross", "de", "macro", "map"), "value"] == pytest.approx(0.5)
    assert summary.loc[("cross", "macro", "macro", "map"), "value"] == pytest.approx((0.3 + 0.9 + 0.5) / 3)
    assert not summary.index.isin([("mono", "en", "macro", "map")]).any()


def test_aggregate_is_a_metrics_table_with_intervals_around_the_values() -> None:
    table = aggregate(tiny_table(), IDENTITY, resamples=200, seed=3)
    to_arrow(table, "metrics")
    assert len(table) == len(means(tiny_table()))
    assert (table["ci_low"] <= table["value"] + 1e-12).all() and (table["value"] <= table["ci_high"] + 1e-12).all()
    assert table[["encoder", "run", "strategy", "alpha", "seed", "benchmark"]].drop_duplicates().shape[0] == 1
    first = table.iloc[0]
    assert (first["setting"], first["metric"], first["query_lang"]) == ("cross", "map", "macro")
    zero_shot = IDENTITY | {"run": "zero_shot", "strategy": "zero_shot", "alpha": None, "seed": None}
    assert to_arrow(aggregate(tiny_table(), zero_shot, 20, 0), "metrics").column("alpha").null_count == len(table)


def test_same_seed_same_intervals_other_seed_other_intervals() -> None:
    table = random_per_query(np.random.default_rng(0))
    one, again = (aggregate(table, IDENTITY, 300, seed=5) for _ in range(2))
    other = aggregate(table, IDENTITY, 300, seed=6)
    pd.testing.assert_frame_equal(one, again)
    assert not np.allclose(one["ci_low"], other["ci_low"])


def random_per_query(rng: np.random.Generator, questions: int = 400) -> pd.DataFrame:
    """Two mono languages whose values are a question effect plus language noise."""
    effect = rng.random(questions)
    rows = [
        ("mono", lang, lang, f"q{q:04d}", float(np.clip(effect[q] + rng.normal(0, 0.1), 0, 1)))
        for lang in ("de", "en")
        for q in range(questions)
    ]
    return per_query_rows(rows)


def test_interval_width_matches_the_standard_error_of_the_mean() -> None:
    table = random_per_query(np.random.default_rng(1))
    row = aggregate(table, IDENTITY, resamples=4000, seed=0).query("query_lang == 'en' and metric == 'map'").iloc[0]
    values = table.query("query_lang == 'en'")["ap"]
    expected = 2 * 1.96 * values.std() / np.sqrt(len(values))
    assert row["ci_high"] - row["ci_low"] == pytest.approx(expected, rel=0.1)
    assert row["ci_low"] < values.mean() < row["ci_high"]


def test_more_resamples_give_a_stable_interval() -> None:
    table = random_per_query(np.random.default_rng(2))
    few, many = (aggregate(table, IDENTITY, n, seed=0).query("query_lang == 'macro'") for n in (1000, 8000))
    width = (many["ci_high"] - many["ci_low"]).to_numpy()
    assert np.abs(few["ci_low"].to_numpy() - many["ci_low"].to_numpy()).max() < 0.1 * width.min()
    assert np.abs(few["ci_high"].to_numpy() - many["ci_high"].to_numpy()).max() < 0.1 * width.min()


def test_questions_are_resampled_with_all_their_parallel_queries() -> None:
    rng = np.random.default_rng(4)
    values = rng.random(50)
    table = per_query_rows([("mono", lang, lang, f"q{q}", values[q]) for lang in ("de", "en") for q in range(50)])
    rows = aggregate(table, IDENTITY, 500, seed=0).query("metric == 'map'").set_index("query_lang")
    for bound in ("ci_low", "ci_high"):
        assert rows.loc["macro", bound] == pytest.approx(rows.loc["en", bound])
        assert rows.loc["de", bound] == pytest.approx(rows.loc["en", bound])


def test_aggregate_rejects_incomplete_identity_and_no_resamples() -> None:
    with pytest.raises(ConfigError, match=r"lacks \['benchmark'\]"):
        aggregate(tiny_table(), {k: v for k, v in IDENTITY.items() if k != "benchmark"}, 10, 0)
    with pytest.raises(ConfigError, match="resamples must be >= 1"):
        aggregate(tiny_table(), IDENTITY, 0, 0)


def test_tables_read_back_from_parquet_give_the_same_results(tmp_path, random_runs) -> None:
    rankings = random_runs[0].assign(setting=np.where(np.arange(len(random_runs[0])) % 2, "multi", "mono"))
    rankings = rankings.assign(pool_lang=np.where(rankings["setting"] == "multi", "all", "en"))
    write_table(rankings, tmp_path / "rankings.parquet", "rankings")
    table = per_query(read_table(tmp_path / "rankings.parquet", "rankings"))
    pd.testing.assert_frame_equal(table, per_query(rankings), check_dtype=False)
    write_table(table, tmp_path / "per_query.parquet", "per_query")
    back = read_table(tmp_path / "per_query.parquet", "per_query")
    pd.testing.assert_frame_equal(
        aggregate(back, IDENTITY, 50, 0), aggregate(table, IDENTITY, 50, 0), check_dtype=False
    )
