"""The training mix of a run from its training log: shares of batches and pairs per dataset and
per language, and hard negatives per pair."""

import pandas as pd
import pytest

from hybridir.train.mix import mix_lines, training_mix


def log(rows: list[tuple[str, int, int, dict[str, int]]]) -> pd.DataFrame:
    """A training log of (dataset, pairs, kept negatives, texts per language) steps."""
    return pd.DataFrame(
        {
            "step": range(1, len(rows) + 1),
            "dataset": [dataset for dataset, *_ in rows],
            "pairs": [pairs for _, pairs, _, _ in rows],
            "negatives": [negatives for *_, negatives, _ in rows],
            "langs": [list(languages) for *_, languages in rows],
            "lang_texts": [list(languages.values()) for *_, languages in rows],
        }
    )


def test_the_mix_shares_batches_and_pairs_per_dataset_and_language() -> None:
    """Three x_x batches (two of facts, one English-only of faq) and one x_y batch of facts."""
    steps = [
        ("facts", 4, 4, {"de": 8}),
        ("facts", 4, 2, {"es": 8}),
        ("faq", 2, 0, {"en": 4}),
        ("facts", 6, 6, {"de": 6, "en": 6}),
    ]
    mix = training_mix(log(steps)).set_index(["axis", "value"])
    assert mix.loc[("dataset", "facts"), ["batch_share", "pair_share"]].tolist() == [0.75, 14 / 16]
    assert mix.loc[("dataset", "faq"), ["batches", "pairs", "negatives_per_pair"]].tolist() == [1, 2, 0]
    assert mix.loc[("dataset", "facts"), "negatives_per_pair"] == 12 / 14
    # de: the first batch and half of the x_y one; pairs: 4 and half of the x_y batch's 6
    assert mix.loc[("language", "de"), ["batches", "pairs"]].tolist() == [1.5, 7.0]
    assert mix.loc[("language", "en"), "pair_share"] == pytest.approx(5 / 16)
    assert mix.loc[("language", "de"), "negatives_per_pair"] == pytest.approx((4 + 3) / 7)
    assert mix.loc[("all", "all"), ["batches", "pairs", "negatives_per_pair"]].tolist() == [4, 16, 12 / 16]
    lines = mix_lines(training_mix(log(steps)))
    assert "training mix: dataset faq: 25.0% of batches, 12.5% of pairs, 0.00 hard negatives per pair" in lines


def test_a_log_without_steps_has_no_mix() -> None:
    assert training_mix(log([])).empty
