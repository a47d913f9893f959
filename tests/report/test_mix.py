"""The training_mix report table: every strategy's mix, its seeds pooled, and the warning when
compared strategies drew datasets in shares more than MIX_TOLERANCE apart."""

import pandas as pd

from hybridir.report.data.mix import MIX_TOLERANCE, mix_differences, mix_table
from hybridir.report.pages.document import to_markdown
from hybridir.report.pages.mix import mix_warning
from hybridir.tables import to_arrow


def log(datasets: list[str], pairs: int = 10) -> pd.DataFrame:
    """A training log of one x_x batch per dataset named, each of `pairs` pairs in English with one
    hard negative each."""
    steps = len(datasets)
    return pd.DataFrame(
        {
            "step": range(1, steps + 1),
            "dataset": datasets,
            "pairs": pairs,
            "negatives": pairs,
            "langs": [["en"]] * steps,
            "lang_texts": [[2 * pairs]] * steps,
        }
    )


def test_a_strategys_seeds_are_pooled_and_a_dataset_it_never_drew_is_absent() -> None:
    logs = {
        ("tiny", "x_x-s7"): log(["facts"] * 3 + ["faq"]),
        ("tiny", "x_x-s8"): log(["facts"] * 4),
        ("tiny", "x_y-s7"): log(["facts"] * 4),
    }
    table = mix_table(logs)
    to_arrow(table, "report_training_mix")
    x_x = table[(table["strategy"] == "x_x") & (table["axis"] == "dataset")].set_index("value")
    assert x_x["runs"].tolist() == [2, 2] and x_x.loc["faq", "pair_share"] == 1 / 8
    assert set(table.loc[table["strategy"] == "x_y", "value"]) == {"facts", "en", "all"}


def test_the_summary_warns_when_compared_strategies_differ_in_dataset_mix() -> None:
    """x_x drew faq in 2 of 8 batches (25% of the pairs) and x_y never: more than five points (and
    more than facts and extra differ)."""
    logs = {("tiny", "x_x-s7"): log(["facts"] * 6 + ["faq"] * 2), ("tiny", "x_y-s7"): log(["facts"] * 7 + ["extra"])}
    table = mix_table(logs)
    (found,) = mix_differences(table)
    assert (found["first"].strategy, found["second"].strategy, found["dataset"]) == ("x_y", "x_x", "faq")
    assert (found["first_share"], found["second_share"]) == (0.0, 0.25)
    markdown = to_markdown(mix_warning(table))
    assert "compared strategies trained on different dataset mixes" in markdown
    assert "tiny: x_y against x_x, dataset faq: 0.0% against 25.0% of the pairs" in markdown
    assert mix_differences(table, tolerance=0.3) == []
    close = {("tiny", "x_x-s7"): log(["facts"] * 24 + ["faq"]), ("tiny", "x_y-s7"): log(["facts"] * 25)}
    assert MIX_TOLERANCE > 1 / 25 and mix_differences(mix_table(close)) == []
    assert "within 5% of the pairs" in to_markdown(mix_warning(mix_table(close)))
    assert mix_warning(mix_table({("tiny", "x_y-s7"): log(["facts"])})) == []


def test_each_mixture_has_its_own_rows_and_only_strategies_of_one_mixture_are_compared() -> None:
    """x_x on `base` and on `plus` differ in data by design (no warning); x_y on `plus` against x_x
    on `plus` is compared as any two strategies are."""
    logs = {
        ("tiny", "x_x-mbase-s7"): log(["facts"] * 4),
        ("tiny", "x_x-mplus-s7"): log(["facts"] * 2 + ["fiqa"] * 2),
        ("tiny", "x_y-mplus-s7"): log(["facts"] * 4),
    }
    table = mix_table(logs)
    to_arrow(table, "report_training_mix")
    shares = table[table["axis"] == "dataset"].set_index(["strategy", "mixture", "value"])["pair_share"]
    assert shares[("x_x", "base", "facts")] == 1.0 and shares[("x_x", "plus", "fiqa")] == 0.5
    (found,) = mix_differences(table)
    sides = [(found[side].strategy, found[side].mixture) for side in ("first", "second")]
    assert sides == [("x_y", "plus"), ("x_x", "plus")]
    assert "x_y on plus against x_x on plus, dataset facts: 100.0% against 50.0%" in to_markdown(mix_warning(table))
