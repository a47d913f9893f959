"""The training_mix report table: the realised training mix (hybridir.train.mix) of every strategy
on every training mixture, its seeds' runs pooled, and the compared strategies whose dataset mixes
differ.

A strategy is compared with each reference strategy (x_x, x_y: hybridir.vocabulary.references) of
its training mixture, as the significance tests compare strategies; the mixtures of one strategy
differ in data by design (the training-data study), so they are not warned about. Two strategies'
dataset mixes differ where a dataset's share of the pairs differs by more than MIX_TOLERANCE
between them: part of their difference in results may then come from the data rather than from how
batches are composed.
"""

from collections.abc import Mapping

import pandas as pd

from hybridir.report.data.runs import strategy
from hybridir.train.mix import MIX_COLUMNS, training_mix
from hybridir.vocabulary import Run, by_strategy, references

# largest difference in a dataset's share of the pairs (0.05: five percentage points) between two
# compared strategies that the summary accepts without a warning
MIX_TOLERANCE = 0.05
COLUMNS = ["encoder", "strategy", "alpha", "mixture", "runs", *MIX_COLUMNS]


def pooled_mix(logs: list[pd.DataFrame]) -> pd.DataFrame:
    """The training mix of several runs' logs taken together (their steps numbered apart)."""
    steps = pd.concat(logs, ignore_index=True)
    return training_mix(steps.assign(step=range(len(steps))))


def mix_table(logs: Mapping[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    """One row per (encoder, strategy, mixture, axis, value): the mix of the strategy's runs pooled."""
    parts = []
    for encoder in dict.fromkeys(encoder for encoder, _ in logs):
        runs = [Run.parse(encoder, name) for e, name in logs if e == encoder]
        for group, members in by_strategy(runs).items():
            mix = pooled_mix([logs[(encoder, run.name)] for run in members])
            identity = {
                "encoder": encoder,
                "strategy": group.strategy,
                "alpha": group.alpha,
                "mixture": group.mixture,
                "runs": len(members),
            }
            parts.append(mix.assign(**identity))
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def dataset_shares(table: pd.DataFrame) -> dict[Run, pd.Series]:
    """Each strategy's (on each training mixture) share of the pairs per dataset."""
    datasets = table[table["axis"] == "dataset"]
    keys = ["encoder", "strategy", "alpha", "mixture"]
    return {
        strategy(*key): rows.set_index("value")["pair_share"]
        for key, rows in datasets.groupby(keys, dropna=False, sort=False)
    }


def compared_pairs(strategies: list[Run]) -> list[tuple[Run, Run]]:
    """(strategy, reference) of one encoder's strategies of one training mixture, each unordered pair once."""
    pairs: list[tuple[Run, Run]] = []
    for reference in (s for s in strategies if s.strategy in references()):
        for other in strategies:
            if other != reference and other.mixture == reference.mixture and (reference, other) not in pairs:
                pairs.append((other, reference))
    return pairs


def mix_differences(table: pd.DataFrame, tolerance: float = MIX_TOLERANCE) -> list[dict]:
    """Compared strategies whose dataset mixes differ by more than `tolerance`: for each, the
    dataset of the largest difference and both strategies' shares of the pairs."""
    shares = dataset_shares(table)
    found = []
    for encoder in dict.fromkeys(run.encoder for run in shares):
        strategies = sorted((s for s in shares if s.encoder == encoder), key=lambda s: s.sort_key)
        for first, second in compared_pairs(strategies):
            both = pd.concat([shares[first], shares[second]], axis=1, keys=["first", "second"]).fillna(0.0)
            gaps = (both["first"] - both["second"]).abs()
            if gaps.max() > tolerance:
                dataset = str(gaps.idxmax())
                found.append(
                    {
                        "first": first,
                        "second": second,
                        "dataset": dataset,
                        "first_share": float(both.loc[dataset, "first"]),
                        "second_share": float(both.loc[dataset, "second"]),
                    }
                )
    return found
