"""Batch samplers: property tests (hypothesis) that every batch of every strategy meets its
definition, and statistical tests over 10,000 batches of how languages and datasets are drawn."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from hybridir.errors import ConfigError, DataError
from hybridir.text import comparable
from hybridir.train.index import CorpusIndex
from hybridir.train.options import TrainingOptions
from hybridir.train.samplers import SAMPLERS, check_batch_size, dataset_weights, make_sampler, schedule
from hybridir.vocabulary import STRATEGIES

LANGUAGES = ["en", "de", "es"]
BATCHES = 10_000
BATCH_SIZE = 8
COLUMNS = ["pair_id", "dataset", "lang", "question", "passage", "negative_passages"]


def corpus(sizes: dict[str, int], english_only: tuple[str, ...] = ()) -> pd.DataFrame:
    rows = [
        (f"{dataset}/{pair}", dataset, lang, f"q {dataset} {pair} {lang}", f"p {dataset} {pair} {lang}", [])
        for dataset, size in sizes.items()
        for pair in range(size)
        for lang in (["en"] if dataset in english_only else LANGUAGES)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def batches(table: pd.DataFrame, strategy: str, count: int = BATCHES, seed: int = 1, **options) -> list:
    settings_ = TrainingOptions.from_schema(**{"strategy": strategy, "seed": 0, "batch_size": BATCH_SIZE, **options})
    return schedule(make_sampler(CorpusIndex(table, LANGUAGES), LANGUAGES, settings_), count, seed)


def chi_square_p(counts: Counter, expected: dict) -> float:
    """p-value of observed counts against expected probabilities (same keys)."""
    keys = sorted(expected)
    observed = np.array([counts[k] for k in keys], dtype=float)
    return stats.chisquare(observed, observed.sum() * np.array([expected[k] for k in keys])).pvalue


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return corpus({"big": 300, "small": 100, "english": 200}, english_only=("english",))


# --- every batch meets its definition (property tests) ------------------------------------------

TEXTS = ["Where is Ulm?", "where is  ulm?", "Who built it?", "Ulm lies on the Danube.", "ULM LIES ON THE DANUBE."]


@st.composite
def corpora(draw: st.DrawFn) -> pd.DataFrame:
    """Small parallel tables: 1-3 datasets, each in some of en/de/es (and fr, not trained on),
    pairs missing languages, texts drawn from a few that repeat (also up to case and spaces)."""
    rows = []
    for d in range(draw(st.integers(1, 3))):
        languages = draw(st.lists(st.sampled_from([*LANGUAGES, "fr"]), min_size=1, max_size=4, unique=True))
        for pair in range(draw(st.integers(1, 12))):
            for lang in draw(st.lists(st.sampled_from(languages), min_size=1, unique=True)):
                text = st.one_of(st.sampled_from(TEXTS), st.just(f"{lang} {d} {pair}"))
                rows.append((f"d{d}/{pair}", f"d{d}", lang, draw(text), draw(text), []))
    return pd.DataFrame(rows, columns=COLUMNS)


def expected_kinds(strategy: str) -> set[str]:
    return {"hybrid": {"x_x", "x_y"}, "en_en": {"x_x"}}.get(strategy, {strategy})


def pair_texts(table: pd.DataFrame) -> dict[str, set[str]]:
    """Comparable forms of every question and passage of each source pair in the training languages."""
    trained = table[table["lang"].isin(LANGUAGES)]
    return {
        pair_id: {comparable(t) for t in [*group["question"], *group["passage"]]}
        for pair_id, group in trained.groupby("pair_id")
    }


def check_batch(table: pd.DataFrame, texts: dict, batch, strategy: str, options: TrainingOptions) -> None:
    langs, datasets, sources = table["lang"], table["dataset"], table["pair_id"]
    assert batch.kind in expected_kinds(strategy)
    assert 1 <= len(batch.pairs) <= options.batch_size
    for query, passage in batch.pairs:
        assert sources[query] == sources[passage] and datasets[query] == datasets[passage] == batch.dataset
        assert langs[query] in LANGUAGES and langs[passage] in LANGUAGES
        if batch.kind == "x_x":
            assert langs[query] == langs[passage] == batch.lang
        if batch.kind == "x_x_mixed":
            assert langs[query] == langs[passage]
        if batch.kind == "x_y":
            assert langs[query] != langs[passage]
    if strategy == "en_en":
        assert batch.lang == "en"
    pair_ids = [sources[query] for query, _ in batch.pairs]
    assert len(pair_ids) == len(set(pair_ids)), "two pairs of one source pair in a batch"
    if options.duplicate_pairs == "drop":
        held = [texts[pair_id] for pair_id in pair_ids]
        assert sum(map(len, held)) == len(set().union(*held)), "two pairs of a batch share a text"


def feasible(table: pd.DataFrame, options: TrainingOptions) -> bool:
    """Whether the strategy can draw batches from this table at all."""
    trained = table[table["lang"].isin(LANGUAGES)]
    multilingual = (trained.groupby(["dataset", "pair_id"])["lang"].nunique() >= 2).any()
    needs = {"x_y": multilingual, "en_en": (trained["lang"] == "en").any()}
    if options.strategy == "hybrid":
        return not trained.empty and (options.alpha == 1 or multilingual)
    return not trained.empty and needs.get(options.strategy, True)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=corpora(),
    strategy=st.sampled_from(list(STRATEGIES)),
    alpha=st.sampled_from([0.0, 0.3, 1.0]),
    order=st.sampled_from(["language_first", "dataset_first"]),
    sampling=st.sampled_from(["proportional", "uniform", "temperature"]),
    duplicates=st.sampled_from(["drop", "keep"]),
    batch_size=st.integers(2, 6),
    seed=st.integers(0, 2**16),
)
def test_every_batch_of_every_strategy_meets_its_definition(
    table, strategy, alpha, order, sampling, duplicates, batch_size, seed
) -> None:
    options = TrainingOptions.from_schema(
        strategy=strategy, seed=0, alpha=alpha, sampling_order=order, dataset_sampling=sampling,
        duplicate_pairs=duplicates, batch_size=batch_size,
    )  # fmt: skip
    if not feasible(table, options):
        with pytest.raises(DataError):
            make_sampler(CorpusIndex(table, LANGUAGES), LANGUAGES, options)
        return
    texts = pair_texts(table)
    for batch in schedule(make_sampler(CorpusIndex(table, LANGUAGES), LANGUAGES, options), 25, seed):
        check_batch(table, texts, batch, strategy, options)


def test_a_pair_sharing_a_source_question_never_joins_its_batch_unless_duplicates_are_kept() -> None:
    table = corpus({"tiny": 6})
    twin = table["pair_id"] == "tiny/1"
    table.loc[twin, "question"] = table.loc[table["pair_id"] == "tiny/0", "question"].str.upper().to_numpy()
    ids = table["pair_id"].to_numpy()
    together = {"drop": 0, "keep": 0}
    for duplicates in together:
        for batch in batches(table, "x_y", 300, duplicate_pairs=duplicates, seed=5):
            together[duplicates] += {"tiny/0", "tiny/1"} <= {ids[q] for q, _ in batch.pairs}
    assert together["drop"] == 0 and together["keep"] > 0


# --- how languages and datasets are drawn (statistics over 10,000 batches) -----------------------


def test_x_x_languages_are_uniform(table: pd.DataFrame) -> None:
    counts = Counter(batch.lang for batch in batches(table, "x_x"))
    assert chi_square_p(counts, {lang: 1 / 3 for lang in LANGUAGES}) > 0.001


def test_x_y_ordered_language_pairs_are_uniform(table: pd.DataFrame) -> None:
    langs = table["lang"].to_numpy()
    counts = Counter((langs[q], langs[p]) for batch in batches(table, "x_y") for q, p in batch.pairs)
    ordered = [(a, b) for a in LANGUAGES for b in LANGUAGES if a != b]
    assert chi_square_p(counts, {pair: 1 / 6 for pair in ordered}) > 0.001


def test_x_x_mixed_pairs_take_uniform_languages_and_batches_mix_them(table: pd.DataFrame) -> None:
    langs = table["lang"].to_numpy()
    drawn = batches(table, "x_x_mixed", dataset_sampling="uniform")
    counts = Counter(langs[q] for batch in drawn if batch.dataset != "english" for q, _ in batch.pairs)
    assert chi_square_p(counts, {lang: 1 / 3 for lang in LANGUAGES}) > 0.001
    mixed = [len({langs[q] for q, _ in batch.pairs}) > 1 for batch in drawn if batch.dataset != "english"]
    assert np.mean(mixed) > 0.9


def test_hybrid_x_x_share_lies_in_the_binomial_interval(table: pd.DataFrame) -> None:
    for alpha in (0.3, 0.5):
        x_x = sum(batch.kind == "x_x" for batch in batches(table, "hybrid", alpha=alpha))
        low, high = stats.binom.interval(0.999, BATCHES, alpha)
        assert low <= x_x <= high, (alpha, x_x)


@pytest.mark.parametrize(
    ("sampling", "expected"),
    [
        ("proportional", {"big": 0.75, "small": 0.25}),
        ("uniform", {"big": 0.5, "small": 0.5}),
        # temperature 2: weights sqrt(300) : sqrt(100) = sqrt(3) : 1
        ("temperature", {"big": 0.6339746, "small": 0.3660254}),
    ],
)
def test_datasets_are_drawn_as_configured(table: pd.DataFrame, sampling: str, expected: dict) -> None:
    counts = Counter(batch.dataset for batch in batches(table, "x_y", dataset_sampling=sampling))
    assert chi_square_p(counts, expected) > 0.001, counts


def test_english_x_x_batches_draw_english_only_datasets_by_size(table: pd.DataFrame) -> None:
    english = [batch for batch in batches(table, "hybrid") if batch.lang == "en"]
    counts = Counter(batch.dataset for batch in english)
    assert chi_square_p(counts, {"big": 3 / 6, "small": 1 / 6, "english": 2 / 6}) > 0.001, counts
    assert all(batch.kind == "x_x" for batch in batches(table, "hybrid") if batch.dataset == "english")


def test_en_en_draws_english_pairs_of_every_dataset_by_size(table: pd.DataFrame) -> None:
    drawn = batches(table, "en_en")
    assert {batch.lang for batch in drawn} == {"en"}
    counts = Counter(batch.dataset for batch in drawn)
    assert chi_square_p(counts, {"big": 3 / 6, "small": 1 / 6, "english": 2 / 6}) > 0.001, counts


def test_dataset_first_draws_the_dataset_then_one_of_its_languages(table: pd.DataFrame) -> None:
    drawn = batches(table, "x_x", sampling_order="dataset_first")
    counts = Counter(batch.dataset for batch in drawn)
    assert chi_square_p(counts, {"big": 3 / 6, "small": 1 / 6, "english": 2 / 6}) > 0.001, counts
    assert {batch.lang for batch in drawn if batch.dataset == "english"} == {"en"}
    languages = Counter(batch.lang for batch in drawn if batch.dataset == "big")
    assert chi_square_p(languages, {lang: 1 / 3 for lang in LANGUAGES}) > 0.001


# --- the rest ------------------------------------------------------------------------------------


def test_one_seed_gives_one_schedule(table: pd.DataFrame) -> None:
    first = batches(table, "hybrid", 500, seed=9)
    assert first == batches(table.copy(), "hybrid", 500, seed=9) and first != batches(table, "hybrid", 500, seed=10)


def test_every_strategy_names_a_sampler_and_every_sampler_serves_one() -> None:
    assert sorted(record.sampler for record in STRATEGIES.values()) == sorted(SAMPLERS)


def test_unknown_strategy_is_named(table: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match=f"unknown strategy 'mixed'; known: {', '.join(STRATEGIES)}"):
        batches(table, "mixed", 1)


def test_strategies_that_cannot_be_drawn_say_why() -> None:
    english = corpus({"english": 20}, english_only=("english",))
    with pytest.raises(DataError, match=r"^x_y batches need pairs in two languages; no dataset of the corpus has any$"):
        batches(english, "x_y", 1)
    assert {batch.kind for batch in batches(english, "hybrid", 50, alpha=1.0)} == {"x_x"}
    german = corpus({"d": 20}).query("lang != 'en'")
    with pytest.raises(DataError, match=r"^strategy en_en: the training corpus has no English pairs$"):
        batches(german, "en_en", 1)


def test_batches_are_full_where_the_dataset_has_enough_pairs(table: pd.DataFrame) -> None:
    for strategy in STRATEGIES:
        assert {len(batch.pairs) for batch in batches(table, strategy, 200)} == {BATCH_SIZE}, strategy


@pytest.mark.parametrize(
    ("sampling", "expected"),
    [
        ("proportional", [0.25, 0.75]),
        ("uniform", [0.5, 0.5]),
        ("temperature", [0.3660254, 0.6339746]),  # temperature 2: 1 : sqrt(3)
    ],
)
def test_dataset_weights_of_sizes_one_and_three(sampling: str, expected: list[float]) -> None:
    options = TrainingOptions.from_schema(strategy="x_x", seed=0, dataset_sampling=sampling, dataset_temperature=2.0)
    assert dataset_weights([1, 3], options) == pytest.approx(expected)


def test_pairs_are_visited_in_an_order_that_holds_each_position_once() -> None:
    # up to 4 batches (8 here) a permutation, beyond it lazy draws
    options = TrainingOptions.from_schema(strategy="x_x", seed=0, batch_size=2)
    sampler = make_sampler(CorpusIndex(corpus({"d": 4}), LANGUAGES), LANGUAGES, options)
    rng = np.random.default_rng(0)
    for size in (1, 8, 9, 40):
        assert sorted(sampler._order(size, rng)) == list(range(size))


def test_hybrid_with_alpha_zero_draws_x_y_batches_only(table: pd.DataFrame) -> None:
    assert {batch.kind for batch in batches(table, "hybrid", 200, alpha=0.0)} == {"x_y"}


def test_a_batch_larger_than_every_dataset_is_an_error_and_than_some_a_warning(caplog) -> None:
    index = CorpusIndex(corpus({"big": 10, "small": 4, "tiny": 3}), LANGUAGES)
    check_batch_size(index, 3)
    assert caplog.records == []
    check_batch_size(index, 5)
    assert [record.getMessage() for record in caplog.records] == [
        "training.batch_size 5 is larger than datasets small: 4 pairs, tiny: 3 pairs: their batches are smaller"
    ]
    with pytest.raises(ConfigError) as error:
        check_batch_size(index, 11)
    assert str(error.value) == (
        "config key training.batch_size: 11 is larger than every dataset of the training corpus "
        "(big: 10 pairs, small: 4 pairs, tiny: 3 pairs); a batch never holds a pair twice"
    )


def test_a_pair_skipped_as_a_duplicate_does_not_end_the_batch() -> None:
    # pair 1 repeats pair 0's question: 5 pairs with distinct texts, so every batch of 5 is full
    table = corpus({"d": 6})
    table.loc[table["pair_id"] == "d/1", "question"] = table.loc[table["pair_id"] == "d/0", "question"].to_numpy()
    pair_of_row = table["pair_id"].to_numpy()
    for batch in batches(table, "x_x", 50, batch_size=5):
        pair_ids = {pair_of_row[query] for query, _ in batch.pairs}
        assert len(batch.pairs) == 5 and len(pair_ids) == 5 and not {"d/0", "d/1"} <= pair_ids
