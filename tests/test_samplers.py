"""Batch samplers over 10,000 batches: the paper's definitions of x_x, x_y and hybrid."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from hybridir.train.samplers import CorpusIndex, make_sampler, schedule

LANGUAGES = ["en", "de", "es"]
BATCHES = 10_000
BATCH_SIZE = 8


def corpus(sizes: dict[str, int], english_only: tuple[str, ...] = ()) -> pd.DataFrame:
    rows = []
    for dataset, size in sizes.items():
        for pair in range(size):
            for lang in ["en"] if dataset in english_only else LANGUAGES:
                rows.append(
                    (f"{dataset}/{pair}", dataset, lang, f"q {dataset} {pair} {lang}", f"p {dataset} {pair} {lang}")
                )
    frame = pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage"])
    return frame.assign(negative_passages=[[] for _ in range(len(frame))])


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return corpus({"big": 300, "small": 100, "english": 200}, english_only=("english",))


def batches(table: pd.DataFrame, strategy: str, seed: int = 1, alpha: float = 0.5):
    index = CorpusIndex(table)
    return schedule(make_sampler(strategy, index, LANGUAGES, BATCH_SIZE, alpha), BATCHES, seed)


def test_x_x_batches_are_monolingual_with_uniform_languages(table: pd.DataFrame) -> None:
    langs = table["lang"].to_numpy()
    counts = {lang: 0 for lang in LANGUAGES}
    for batch in batches(table, "x_x"):
        assert batch.kind == "x_x" and len(batch.pairs) == BATCH_SIZE
        assert {langs[q] for q, p in batch.pairs} | {langs[p] for q, p in batch.pairs} == {batch.lang}
        counts[batch.lang] += 1
    assert stats.chisquare(list(counts.values())).pvalue > 0.001


def test_english_only_datasets_feed_english_x_x_batches_only(table: pd.DataFrame) -> None:
    for batch in batches(table, "hybrid"):
        if batch.dataset == "english":
            assert batch.kind == "x_x" and batch.lang == "en"


def test_x_y_batches_never_pair_a_language_with_itself(table: pd.DataFrame) -> None:
    langs, pair_ids = table["lang"].to_numpy(), table["pair_id"].to_numpy()
    seen_pairs = set()
    for batch in batches(table, "x_y"):
        assert batch.kind == "x_y" and batch.dataset != "english"
        for query, passage in batch.pairs:
            assert langs[query] != langs[passage] and pair_ids[query] == pair_ids[passage]
            seen_pairs.add((langs[query], langs[passage]))
    assert len(seen_pairs) == 6


def test_hybrid_x_x_share_lies_in_the_binomial_interval(table: pd.DataFrame) -> None:
    for alpha in (0.3, 0.5):
        x_x = sum(batch.kind == "x_x" for batch in batches(table, "hybrid", alpha=alpha))
        low, high = stats.binom.interval(0.999, BATCHES, alpha)
        assert low <= x_x <= high, (alpha, x_x)


def test_datasets_are_drawn_proportionally_to_size() -> None:
    table = corpus({"big": 300, "small": 100})
    for strategy in ("x_x", "x_y", "hybrid"):
        counts = pd.Series([b.dataset for b in batches(table, strategy)]).value_counts()
        expected = np.array([0.75, 0.25]) * BATCHES
        assert stats.chisquare([counts["big"], counts["small"]], expected).pvalue > 0.001, strategy


def test_no_text_twice_in_a_batch() -> None:
    table = corpus({"tiny": 6})
    table.loc[table["pair_id"] == "tiny/1", "passage"] = table.loc[table["pair_id"] == "tiny/0", "passage"].to_numpy()
    questions, passages = table["question"].to_numpy(), table["passage"].to_numpy()
    for batch in schedule(make_sampler("hybrid", CorpusIndex(table), LANGUAGES, 6), 200, seed=3):
        texts = [questions[q] for q, _ in batch.pairs] + [passages[p] for _, p in batch.pairs]
        assert len(texts) == len(set(texts))
        assert len(batch.pairs) == 5 if batch.kind == "x_x" else len(batch.pairs) in (5, 6)


def test_one_seed_gives_one_schedule(table: pd.DataFrame) -> None:
    index = CorpusIndex(table)
    first = schedule(make_sampler("hybrid", index, LANGUAGES, BATCH_SIZE), 500, seed=9)
    again = schedule(make_sampler("hybrid", CorpusIndex(table.copy()), LANGUAGES, BATCH_SIZE), 500, seed=9)
    other = schedule(make_sampler("hybrid", index, LANGUAGES, BATCH_SIZE), 500, seed=10)
    assert first == again and first != other


def test_unknown_strategy_is_named(table: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown strategy 'mixed'; allowed: x_x, x_y, hybrid"):
        make_sampler("mixed", CorpusIndex(table), LANGUAGES, BATCH_SIZE)
