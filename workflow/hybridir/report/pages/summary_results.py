"""The results sections of results/summary.md: headline mAP, the paired tests of hybrid against
x_x and x_y, rank distance and MIRACL."""

from collections.abc import Mapping

import pandas as pd

from hybridir.plan import Run
from hybridir.report.data.runs import sorted_runs
from hybridir.report.format import MISSING, cell, label, metric_name, run_labels, signed
from hybridir.report.pages.document import Block, Heading, Paragraph, Table


def headline(map_table: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading("Headline: mAP", 2)]
    if map_table.empty:
        return [*blocks, Paragraph("No benchmark with mono, cross and multi settings was evaluated.")]
    for benchmark in pd.unique(map_table["benchmark"]):
        part = map_table[map_table["benchmark"] == benchmark]
        rows = []
        for encoder in pd.unique(part["encoder"]):
            runs = sorted_runs(encoder, part.loc[part["encoder"] == encoder, "run"])
            labels = run_labels(runs)
            index = part[part["encoder"] == encoder].set_index(["run", "setting"])
            for run in runs:
                row = [encoder, labels[run.name]]
                row += [
                    cell(index.loc[(run.name, s)]) if (run.name, s) in index.index else MISSING
                    for s in ("mono", "cross", "multi")
                ]
                rows.append(row)
        blocks += [
            Heading(f"{benchmark}", 3),
            Table(["encoder", "run", "mono mAP", "cross mAP", "multi mAP"], rows, [False, False, True, True, True]),
        ]
    return blocks


def _compared_measures(benchmark_format: str | None) -> set[tuple[str, str]]:
    """(setting, metric) pairs the summary tests: the paper's measures of each benchmark format."""
    if benchmark_format == "miracl":
        return {("mono", "ndcg_10"), ("mono", "recall_100")}
    return {("mono", "map"), ("cross", "map"), ("multi", "map"), ("multi", "rank_distance")}


MEASURE_ORDER = [
    ("mono", "map"),
    ("cross", "map"),
    ("multi", "map"),
    ("multi", "rank_distance"),
    ("mono", "ndcg_10"),
    ("mono", "recall_100"),
]


def _in_reading_order(significance: pd.DataFrame, benchmarks: list[str]) -> pd.DataFrame:
    """Tests by encoder (as first seen), benchmark (config order), measure, then runs."""
    encoders = {e: i for i, e in enumerate(pd.unique(significance["encoder"]))}
    measures = {m: i for i, m in enumerate(MEASURE_ORDER)}
    keyed = significance.assign(
        _e=significance["encoder"].map(encoders),
        _b=significance["benchmark"].map({b: i for i, b in enumerate(benchmarks)}).fillna(len(benchmarks)),
        _m=[measures.get(k, len(measures)) for k in zip(significance["setting"], significance["metric"], strict=True)],
        _r=[
            (Run.parse(e, a).sort_key, Run.parse(e, b).sort_key)
            for e, a, b in zip(significance["encoder"], significance["run_a"], significance["run_b"], strict=True)
        ],
    )
    return keyed.sort_values(["_e", "_b", "_m", "_r"], kind="stable")


def comparisons(significance: pd.DataFrame, formats: Mapping[str, str]) -> list[Block]:
    """Every hybrid run against the x_x and x_y runs of its encoder and seed."""
    blocks: list[Block] = [Heading("Is hybrid better? Paired tests", 2)]
    rows, significant, better, worse = [], 0, 0, 0
    for test in _in_reading_order(significance, list(formats)).itertuples(index=False):
        if (test.setting, test.metric) not in _compared_measures(formats.get(test.benchmark)):
            continue
        a, b = Run.parse(test.encoder, test.run_a), Run.parse(test.encoder, test.run_b)
        if {a.strategy, b.strategy} not in ({"hybrid", "x_x"}, {"hybrid", "x_y"}) or a.seed != b.seed:
            continue
        hybrid, other = (a, b) if a.strategy == "hybrid" else (b, a)
        sign = 1.0 if hybrid is b else -1.0
        low, high = sorted((sign * test.ci_low, sign * test.ci_high))
        difference = sign * test.difference
        lower_better = test.metric == "rank_distance"
        improved = difference < 0 if lower_better else difference > 0
        digits = 1 if lower_better else 3
        verdict = ("hybrid better" if improved else "hybrid worse") if test.significant else "not significant"
        significant += bool(test.significant)
        better += bool(test.significant and improved)
        worse += bool(test.significant and not improved)
        rows.append(
            [
                test.encoder,
                test.benchmark,
                f"{test.setting} {metric_name(test.metric)}",
                f"{label(hybrid)} − {label(other)}",
                f"{signed(difference, digits)} [{signed(low, digits)}, {signed(high, digits)}]",
                f"{test.p_value:.3g}",
                verdict,
            ]
        )
    if not rows:
        return [*blocks, Paragraph("No hybrid run was compared with an x_x or x_y run.")]
    return [
        *blocks,
        Paragraph(
            f"{len(rows)} comparisons of a hybrid run with the x_x or x_y run of the same encoder and seed: "
            f"{significant} significant (p < 0.05), of which hybrid is better in {better} and worse in {worse}. "
            "Δ is hybrid minus the other run, with its 95% paired bootstrap interval; for rank distance, "
            "a negative Δ is an improvement."
        ),
        Table(
            ["encoder", "benchmark", "measure", "comparison", "Δ [95% CI]", "p", "verdict"],
            rows,
            [False, False, False, False, True, True, False],
        ),
    ]


def rank_distance(table: pd.DataFrame) -> list[Block]:
    if table.empty:
        return []
    benchmarks = list(pd.unique(table["benchmark"]))
    index = table.set_index(["encoder", "run", "benchmark"])
    rows = []
    for encoder in pd.unique(table["encoder"]):
        runs = sorted_runs(encoder, table.loc[table["encoder"] == encoder, "run"])
        labels = run_labels(runs)
        for run in runs:
            cells = [
                cell(index.loc[(encoder, run.name, b)], 1) if (encoder, run.name, b) in index.index else MISSING
                for b in benchmarks
            ]
            rows.append([encoder, labels[run.name], *cells])
    return [
        Heading("Language bias: rank distance (lower is better)", 2),
        Paragraph("Mean rank distance in the multilingual pool, in ranks; † / ‡ = significantly lower than x_x / x_y."),
        Table(["encoder", "run", *benchmarks], rows, [False, False] + [True] * len(benchmarks)),
    ]


def miracl(table: pd.DataFrame) -> list[Block]:
    means = table[(table["lang"] == "mean") & (table["metric"] == "ndcg_10")] if not table.empty else table
    if means.empty:
        return []
    rows = []
    for encoder in pd.unique(means["encoder"]):
        part = means[means["encoder"] == encoder]
        labels = run_labels(sorted_runs(encoder, part["run"]))
        for row in part.itertuples(index=False):
            rows.append([encoder, labels[row.run], row.benchmark, cell(pd.Series(row._asdict()))])
    return [
        Heading("MIRACL-format benchmarks: mean nDCG@10", 2),
        Table(["encoder", "run", "benchmark", "mean nDCG@10"], rows, [False, False, False, True]),
    ]
