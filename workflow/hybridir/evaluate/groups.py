"""Results per group of languages (hybridir.resources.language_groups: each language alone, Joshi
class, seen / unseen in training, in / not in the encoder's pretraining) of every strategy of one
encoder on one benchmark over its seeds, and paired comparisons of two strategies per group.

For each measure (setting, metric) of the benchmark's format (its `per_language` measures), on
every benchmark format (XTREME's, XTREME-R's and mMARCO's too):
- a language's value is its per-language macro: the mean of the cells of that setting and metric
  that the setting names by that language (hybridir.vocabulary.Setting.language: the query's
  language, the pool's for en->X): mono, multi, X->en, mining: its one cell; en->X: the cell of
  its pool; cross: the mean over the other pools, as in strategy_metrics. A cell's mean weighs its
  queries (BUCC: its source sentences, so that a cell is its pair's F1, hybridir.evaluate.cells);
- a group's value in one run is the mean over the group's languages of their values (a language
  without a value left out); `value` is its mean over the strategy's seeds, `seed_sd` the standard
  deviation over seeds (n - 1; none with one seed);
- ci_low, ci_high: the multi-bootstrap of hybridir.evaluate.seeds (the same question draws for
  every strategy, each strategy's seeds drawn on their own, the small-sample seed correction), the
  group value recomputed from each resample's cells. Questions are drawn within strata: a stratum
  is the set of languages (as above) a question has queries in, so every language keeps its number
  of questions and a question's parallel versions are drawn together (XQuAD-R, mMARCO: one stratum;
  MIRACL, Tatoeba, BUCC, Mewsli-X: one per language; MLQA-R: one per language combination);
- comparisons (`language_group_significance`): strategy b minus strategy a on a group that has the
  same languages for both (seen / unseen can differ between strategies: such a pair is not
  compared), with the percentile interval and the two-sided bootstrap p-value of the paired
  resampled differences, uncorrected (the report applies Holm's correction).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.evaluate.aggregate import check_resamples
from hybridir.evaluate.bootstrap import percentile_interval, two_sided_p
from hybridir.evaluate.cells import Cells
from hybridir.evaluate.seeds import STRATEGY_COLUMNS, resampled, run_cells
from hybridir.resources import Group, group_order
from hybridir.vocabulary import LANGUAGE, SETTINGS, Measure, Run, by_strategy

COLUMN_KEY = ["grouping", "group", "setting", "metric"]
VALUES = ["value", "seed_sd", "ci_low", "ci_high", "queries"]


@dataclass(frozen=True)
class GroupStatistics:
    """Per strategy (a Run without seed) and column (grouping, group, setting, metric of `columns`):
    the group's languages for that strategy (None: it has no such group), the mean over seeds, the
    spread over seeds, the interval bounds, the queries of one run and the resampled values."""

    columns: pd.DataFrame
    strategies: list[Run]
    seeds: list[tuple[int, ...]]
    languages: list[list[tuple[str, ...] | None]]
    values: np.ndarray
    spread: np.ndarray
    low: np.ndarray
    high: np.ndarray
    queries: np.ndarray
    questions: np.ndarray
    resampled: list[np.ndarray]
    resamples: int


def mean_of_defined(values: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Per column of `membership` (rows: the last axis of `values`), the mean of its defined values."""
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(defined, values, 0.0) @ membership) / (defined @ membership)


def cell_languages(layout: Cells) -> pd.Series:
    """The language each cell stands for in results per language (hybridir.vocabulary.Setting.language)."""
    keys = layout.keys
    langs = [
        SETTINGS[setting].language(query, pool)
        for setting, query, pool in zip(keys["setting"], keys["query_lang"], keys["pool_lang"], strict=True)
    ]
    return pd.Series(langs, index=keys.index, dtype=object)


def language_columns(layout: Cells, measures: Sequence[Measure]) -> tuple[pd.DataFrame, np.ndarray]:
    """(setting, metric, lang) of every measure and language with a cell, and the cells x
    languages membership of the per-language macros."""
    keys = layout.keys.assign(lang=cell_languages(layout))
    rank = {tuple(measure): i for i, measure in enumerate(measures)}
    measure = pd.Series([rank.get(m) for m in zip(keys["setting"], keys["metric"], strict=True)], index=keys.index)
    found = keys.assign(_measure=measure).dropna(subset=["_measure"]).sort_values(["_measure", "lang"])
    columns = found[["setting", "metric", "lang"]].drop_duplicates().reset_index(drop=True)
    membership = np.zeros((len(keys), len(columns)))
    for j, (setting, metric, lang) in enumerate(columns.itertuples(index=False)):
        membership[:, j] = (keys["setting"] == setting) & (keys["metric"] == metric) & (keys["lang"] == lang)
    return columns, membership


def question_strata(layout: Cells) -> np.ndarray:
    """A stratum number per question: questions with queries in the same set of languages (as
    cell_languages names them) share one."""
    langs = cell_languages(layout).to_numpy()
    present = np.stack([(layout.queries[:, langs == lang] > 0).any(axis=1) for lang in sorted(set(langs))], axis=1)
    return np.unique(present, axis=0, return_inverse=True)[1].reshape(-1)


def _groups_of(strategy: Run, runs: list[Run], groups_by_run: Mapping[str, list[Group]]) -> list[Group]:
    """The groups of a strategy's runs, which must be the same for every seed."""
    first = groups_by_run[runs[0].name]
    for run in runs[1:]:
        if groups_by_run[run.name] != first:
            raise DataError(f"runs {runs[0].name!r} and {run.name!r} of one strategy have different language groups")
    return first


def _group_membership(
    languages: pd.DataFrame, groups: list[Group], columns: list[tuple]
) -> tuple[np.ndarray, list[tuple[str, ...] | None]]:
    """languages x `columns` membership of one strategy's groups (extending `columns` with new
    ones), and per column the group's languages that have a value (None: no such group)."""
    for group in groups:
        for setting, metric in dict.fromkeys(zip(languages["setting"], languages["metric"], strict=True)):
            key = (group.grouping, group.name, setting, metric)
            if key not in columns:
                columns.append(key)
    membership = np.zeros((len(languages), len(columns)))
    members: list[tuple[str, ...] | None] = [None] * len(columns)
    by_key = {(g.grouping, g.name): g for g in groups}
    for j, (grouping, name, setting, metric) in enumerate(columns):
        group = by_key.get((grouping, name))
        if group is None:
            continue
        measure = (languages["setting"] == setting) & (languages["metric"] == metric)
        chosen = measure & languages["lang"].isin(group.languages)
        membership[:, j] = chosen.to_numpy()
        members[j] = tuple(languages.loc[chosen, "lang"]) or None
    return membership, members


def _column_order(
    columns: list[tuple], strategies: Mapping[Run, list[Run]], groups_by_run: Mapping[str, list[Group]], measures
) -> list[int]:
    """Column positions in report order: grouping, group (hybridir.resources.group_order), measure."""
    first = groups_by_run[next(iter(strategies.values()))[0].name]
    languages = [g.name for g in first if g.grouping == LANGUAGE]
    rank = {tuple(measure): i for i, measure in enumerate(measures)}

    def key(j: int) -> tuple:
        grouping, name, setting, metric = columns[j]
        return (*group_order(grouping, name, languages), rank[(setting, metric)])

    return sorted(range(len(columns)), key=key)


def group_statistics(
    per_query_by_run: Mapping[str, pd.DataFrame],
    encoder: str,
    groups_by_run: Mapping[str, list[Group]],
    measures: Sequence[Measure],
    resamples: int,
    seed: int,
) -> GroupStatistics:
    """Every strategy of `encoder` on one benchmark (per_query tables keyed by run name) in every
    language group of its runs (`groups_by_run`, keyed by run name), for `measures`."""
    check_resamples(resamples)
    by_run = run_cells(per_query_by_run)
    layout = next(iter(by_run.values()))
    languages, to_languages = language_columns(layout, measures)
    strata = question_strata(layout)
    strategies = by_strategy(Run.parse(encoder, name) for name in by_run)
    columns: list[tuple] = []
    memberships, members = [], []
    for strategy, runs in strategies.items():
        membership, found = _group_membership(languages, _groups_of(strategy, runs, groups_by_run), columns)
        memberships.append(membership)
        members.append(found)
    width, order = len(columns), _column_order(columns, strategies, groups_by_run, measures)
    memberships = [np.pad(m, ((0, 0), (0, width - m.shape[1])))[:, order] for m in memberships]
    members = [[(found + [None] * (width - len(found)))[j] for j in order] for found in members]
    columns = [columns[j] for j in order]
    totals = layout.queries.sum(axis=0) @ to_languages
    asked = (layout.queries @ to_languages) > 0
    observed, spread, low, high, queries, questions, draws = [], [], [], [], [], [], []
    for (strategy, runs), membership in zip(strategies.items(), memberships, strict=True):

        def values(means: np.ndarray, membership: np.ndarray = membership) -> np.ndarray:
            return mean_of_defined(mean_of_defined(means, to_languages), membership)

        sums = [by_run[run.name].sums for run in runs]
        counts = [by_run[run.name].counts for run in runs]
        per_seed = np.stack([values(s.sum(axis=0) / c.sum(axis=0)) for s, c in zip(sums, counts, strict=True)])
        observed.append(per_seed.mean(axis=0))
        spread.append(per_seed.std(axis=0, ddof=1) if len(runs) > 1 else np.full(width, np.nan))
        draws.append(resampled(layout, sums, counts, resamples, seed, strategy, values, strata))
        has = membership.any(axis=0)
        bounds = np.full((2, width), np.nan)
        bounds[:, has] = percentile_interval(draws[-1][:, has])
        low.append(bounds[0])
        high.append(bounds[1])
        queries.append(totals @ membership)
        questions.append(((asked.astype(np.float64) @ membership) > 0).sum(axis=0))
    return GroupStatistics(
        columns=pd.DataFrame(columns, columns=COLUMN_KEY),
        strategies=list(strategies),
        seeds=[tuple(r.seed for r in runs if r.seed is not None) for runs in strategies.values()],
        languages=members,
        values=np.stack(observed),
        spread=np.stack(spread),
        low=np.stack(low),
        high=np.stack(high),
        queries=np.stack(queries),
        questions=np.stack(questions),
        resampled=draws,
        resamples=resamples,
    )


def _identity(statistics: GroupStatistics, i: int, suffix: str = "") -> dict:
    strategy = statistics.strategies[i]
    return {
        f"strategy{suffix}": strategy.strategy,
        f"alpha{suffix}": strategy.alpha,
        f"mixture{suffix}": strategy.mixture,
        f"seeds{suffix}": list(statistics.seeds[i]),
    }


def group_metrics(statistics: GroupStatistics, benchmark: str) -> pd.DataFrame:
    """The `language_groups` table: every strategy in every group it has, per measure."""
    rows = []
    for i, strategy in enumerate(statistics.strategies):
        for j, key in enumerate(statistics.columns.itertuples(index=False)):
            if statistics.languages[i][j] is None or np.isnan(statistics.values[i, j]):
                continue
            numbers = [statistics.values[i, j], statistics.spread[i, j], statistics.low[i, j], statistics.high[i, j]]
            rows.append(
                {"encoder": strategy.encoder, **_identity(statistics, i), "benchmark": benchmark, **key._asdict()}
                | {"languages": list(statistics.languages[i][j])}
                | dict(zip(VALUES, [*numbers, int(statistics.queries[i, j])], strict=True))
                | {"resamples": statistics.resamples}
            )
    columns = [*STRATEGY_COLUMNS, *COLUMN_KEY, "languages", *VALUES, "resamples"]
    return pd.DataFrame(rows, columns=columns)


def compare_groups(statistics: GroupStatistics, benchmark: str) -> pd.DataFrame:
    """The `language_group_significance` table: every compared pair of strategies (a before b in
    report order; hybridir.vocabulary.Run.comparable) on every group and measure where both have the
    same languages."""
    rows = []
    strategies = statistics.strategies
    for a, b in combinations(range(len(strategies)), 2):
        if not strategies[a].comparable(strategies[b]):
            continue
        for j, key in enumerate(statistics.columns.itertuples(index=False)):
            languages = statistics.languages[a][j]
            if languages is None or languages != statistics.languages[b][j]:
                continue
            difference = statistics.resampled[b][:, [j]] - statistics.resampled[a][:, [j]]
            low, high = percentile_interval(difference)
            value_a, value_b = statistics.values[a, j], statistics.values[b, j]
            rows.append(
                {"encoder": statistics.strategies[a].encoder, "benchmark": benchmark, **key._asdict()}
                | {"languages": list(languages), **_identity(statistics, a, "_a"), **_identity(statistics, b, "_b")}
                | {"value_a": value_a, "value_b": value_b, "difference": value_b - value_a}
                | {"ci_low": low[0], "ci_high": high[0], "p_value": two_sided_p(difference)[0]}
                | {"questions": int(statistics.questions[a, j]), "resamples": statistics.resamples}
            )
    sides = [f"{column}_{side}" for side in ("a", "b") for column in ("strategy", "alpha", "mixture", "seeds")]
    numbers = ["value_a", "value_b", "difference", "ci_low", "ci_high", "p_value", "questions", "resamples"]
    return pd.DataFrame(rows, columns=["encoder", "benchmark", *COLUMN_KEY, "languages", *sides, *numbers])
