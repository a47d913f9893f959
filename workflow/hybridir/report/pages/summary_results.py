"""The results sections of results/summary.md: headline mAP, the paired tests of hybrid against x_x
and x_y over all seeds (Holm-corrected over the summary's own table), rank distance and MIRACL."""

from collections.abc import Mapping

import pandas as pd

from hybridir.evaluate.significance import LEVEL
from hybridir.report.data.comparisons import hybrid_tests
from hybridir.report.data.retrieval import MEAN, table_measures
from hybridir.report.format import seeds_text, signed
from hybridir.report.pages.document import Block, Heading, Paragraph, Table
from hybridir.report.pages.retrieval import cell_of, keyed_rows, strategy_labels
from hybridir.vocabulary import MAP, METRICS, RANK_DISTANCE, SETTINGS, metric_label


def headline(map_table: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading("Headline: mAP", 2)]
    map_table = map_table[map_table["metric"] == MAP]
    if map_table.empty:
        return [*blocks, Paragraph("No benchmark with mono, cross and multi settings was evaluated.")]
    blocks.append(Paragraph(f"Mean over {seeds_text(map_table['seeds'])} ± standard deviation over seeds [95% CI]."))
    for benchmark in pd.unique(map_table["benchmark"]):
        part = map_table[map_table["benchmark"] == benchmark]
        rows, settings = keyed_rows(part, "setting"), [s for s in SETTINGS if s in set(part["setting"])]
        body = [[e, n, *[cell_of(rows, (e, n, s)) for s in settings]] for e, n in strategy_labels(part)]
        header = ["encoder", "strategy", *(f"{s} {metric_label(MAP)}" for s in settings)]
        blocks += [Heading(f"{benchmark}", 3), Table(header, body, [False, False, *(True for _ in settings)])]
    return blocks


def comparisons(significance: pd.DataFrame, formats: Mapping[str, str]) -> list[Block]:
    """Every hybrid strategy against the x_x and x_y strategies of its encoder, over all seeds."""
    blocks: list[Block] = [Heading("Is hybrid better? Paired tests over all seeds", 2)]
    tests = hybrid_tests(significance, formats)
    if tests.empty:
        return [*blocks, Paragraph("No hybrid strategy was compared with an x_x or x_y strategy.")]
    body, better, worse = [], 0, 0
    for test in tests.itertuples(index=False):
        metric = METRICS[test.metric]
        improved = test.delta > 0 if metric.higher_is_better else test.delta < 0
        significant = test.p_holm < LEVEL
        better += bool(significant and improved)
        worse += bool(significant and not improved)
        digits = metric.digits
        verdict = ("hybrid better" if improved else "hybrid worse") if significant else "not significant"
        body.append(
            [
                test.encoder,
                test.benchmark,
                f"{test.setting} {metric_label(test.metric)}",
                f"{test.hybrid} − {test.other}",
                f"{signed(test.delta, digits)} [{signed(test.low, digits)}, {signed(test.high, digits)}]",
                f"{test.p_holm:.3g}",
                verdict,
            ]
        )
    seeds = seeds_text(pd.concat([tests["seeds_a"], tests["seeds_b"]]))
    return [
        *blocks,
        Paragraph(
            f"{len(body)} comparisons of a hybrid strategy with the x_x or x_y strategy of the same encoder, each over "
            f"all its seeds ({seeds}): hybrid is significantly better in {better} and worse in {worse} "
            f"(Holm-adjusted p < {LEVEL} over these {len(body)} comparisons). Δ is hybrid minus the other, means over "
            "seeds, with its 95% interval resampling seeds and questions (multi-bootstrap); for rank distance, a "
            "negative Δ is an improvement."
        ),
        Table(
            ["encoder", "benchmark", "measure", "comparison", "Δ [95% CI]", "p (Holm)", "verdict"],
            body,
            [False, False, False, False, True, True, False],
        ),
    ]


def rank_distance(table: pd.DataFrame) -> list[Block]:
    if table.empty:
        return []
    benchmarks = list(pd.unique(table["benchmark"]))
    rows = keyed_rows(table, "benchmark")
    digits = METRICS[RANK_DISTANCE].digits
    body = [[e, n, *[cell_of(rows, (e, n, b), digits) for b in benchmarks]] for e, n in strategy_labels(table)]
    return [
        Heading("Language bias: rank distance (lower is better)", 2),
        Paragraph(
            "Mean rank distance in the multilingual pool, in ranks (mean over seeds ± sd [95% CI]); † / ‡ = "
            "significantly lower than x_x / x_y (Holm-corrected over the rank-distance table)."
        ),
        Table(["encoder", "strategy", *benchmarks], body, [False, False] + [True] * len(benchmarks)),
    ]


def miracl(table: pd.DataFrame) -> list[Block]:
    headline = table_measures("miracl")[0][1]  # the first measure of Table 4: nDCG@10
    means = table[(table["lang"] == MEAN) & (table["metric"] == headline)] if not table.empty else table
    if means.empty:
        return []
    benchmarks = list(pd.unique(means["benchmark"]))
    rows = keyed_rows(means, "benchmark")
    body = [[e, n, *[cell_of(rows, (e, n, b)) for b in benchmarks]] for e, n in strategy_labels(means)]
    return [
        Heading(f"MIRACL-format benchmarks: mean {metric_label(headline)}", 2),
        Table(["encoder", "strategy", *benchmarks], body, [False, False] + [True] * len(benchmarks)),
    ]
