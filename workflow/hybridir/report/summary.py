"""results/summary.md: what was run, the headline numbers with intervals, which differences are
significant, and where every table and figure is, for a reader who has not seen the code."""

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from hybridir.report.document import MISSING, Block, Bullets, Heading, Paragraph, Table
from hybridir.report.pages import METRIC_NAMES, PAPER_NAME, cell, number, signed
from hybridir.report.runs import parse_run, run_labels, sorted_runs

FIGURE_DESCRIPTIONS = {
    "map_heatmap": "mAP of every query language → pool language pair, one panel per strategy (diagonal = monolingual)",
    "map_difference": "hybrid minus x_x and hybrid minus x_y mAP per language pair (blue = hybrid better)",
    "alpha_sweep": "mono / cross / multi mAP against α, the share of x_x batches (x_y at 0, x_x at 1)",
    "rank_distance": "distribution of per-query rank distances per run (box plot and cumulative distribution)",
    "per_language": "results per query language, zero-shot languages hatched",
    "training_loss": "training loss (per step and moving average) and validation loss of every run",
}
TABLE_DESCRIPTIONS = {
    "map": "Table 1: mAP mono / cross / multi per encoder, run and benchmark, with the paper's values",
    "rank_distance": "Table 2: rank distance (language bias) per encoder, run and benchmark",
    "miracl": "Table 3: MIRACL-format benchmarks: nDCG@10 and Recall@100 per language and mean",
    "per_language": "Table 4: mAP, Recall@1 and Recall@10 per query language",
    "mt_quality": "MT quality (BLEU, chrF++) per language and kind",
    "translation_flags": "translated texts per language and flag",
    "corpus_ledger": "kept / filtered / failed pairs per dataset and language",
}
STRATEGY_TEXT = {
    "x_x": "`x_x`: every query and passage of a batch in one language, drawn per batch",
    "x_y": "`x_y`: every pair's query and passage in two different languages",
    "hybrid": "`hybrid`: an x_x batch with probability α, else an x_y batch",
}


def _what_was_run(config: Mapping[str, Any]) -> list[Block]:
    train = config["languages"]["train"]
    training = config["training"]
    seeds = training.get("seeds") or [config["seed"]]
    benchmarks = []
    for bench in config["benchmarks"]:
        unseen = [lang for lang in bench["languages"] if lang not in train]
        extra = f"; zero-shot languages (never seen in training): {', '.join(unseen)}" if unseen else ""
        benchmarks.append(f"`{bench['name']}` ({bench['format']} format): {', '.join(bench['languages'])}{extra}")
    strategies = [STRATEGY_TEXT[s] for s in training["strategies"]]
    if "hybrid" in training["strategies"]:
        strategies[-1] += f" (α = {', '.join(f'{a:g}' for a in training['alpha'])})"
    encoders = [f"`{e['name']}` ({e['model']})" for e in training["encoders"]]
    quality = config.get("translation", {}).get("quality", {}).get("benchmark")
    return [
        Heading("What was run", 2),
        Bullets(
            [
                f"Training languages: {', '.join(train)} (source language {config['languages']['source']}); "
                f"English QA data machine-translated with `{config['translation']['model']}`"
                + (f", its quality measured on `{quality}`." if quality else "."),
                f"Encoders: {', '.join(encoders)}; each also evaluated untrained (the zero-shot baseline).",
                "Batch strategies: " + "; ".join(strategies) + ".",
                f"Seeds: {', '.join(str(s) for s in seeds)}; {training.get('steps', '?')} steps of "
                f"{training.get('batch_size', '?')} pairs at most (early stopping on the validation loss).",
                "Benchmarks: " + "; ".join(benchmarks) + ".",
            ]
        ),
    ]


def _how_to_read() -> list[Block]:
    return [
        Heading("How to read the numbers", 2),
        Bullets(
            [
                "**mAP** (mean average precision, 0-1, higher is better): how high the relevant "
                "candidates of a question rank in the whole pool, averaged over questions and then over "
                "language combinations. **mono**: question and pool in one language; **cross**: the pool "
                "of one other language; **multi**: one pool of all languages, where a question has a "
                "relevant candidate in every language.",
                "**Recall@k**: share of the relevant candidates in the top k. **nDCG@10**: graded "
                "relevance of the top 10, discounted by rank (MIRACL).",
                "**Rank distance** (in ranks, lower is better): in the multilingual pool, the highest "
                "minus the lowest rank among a question's parallel relevant candidates. A large distance "
                "means the retriever prefers some languages (language bias).",
                "Brackets are 95% confidence intervals, from resampling questions. A difference is called "
                "significant when a paired randomization test over questions gives p < 0.05; "
                "† marks a run significantly better than x_x, ‡ significantly better than x_y.",
            ]
        ),
    ]


def _headline(map_table: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading("Headline: mAP", 2)]
    if map_table.empty:
        return [*blocks, Paragraph("No benchmark with mono, cross and multi settings was evaluated.")]
    for benchmark in pd.unique(map_table["benchmark"]):
        part = map_table[map_table["benchmark"] == benchmark]
        rows = []
        for encoder in pd.unique(part["encoder"]):
            runs = sorted_runs(part.loc[part["encoder"] == encoder, "run"])
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
            (parse_run(a).sort_key, parse_run(b).sort_key)
            for a, b in zip(significance["run_a"], significance["run_b"], strict=True)
        ],
    )
    return keyed.sort_values(["_e", "_b", "_m", "_r"], kind="stable")


def _comparisons(significance: pd.DataFrame, formats: Mapping[str, str]) -> list[Block]:
    """Every hybrid run against the x_x and x_y runs of its encoder and seed."""
    blocks: list[Block] = [Heading("Is hybrid better? Paired tests", 2)]
    rows, significant, better, worse = [], 0, 0, 0
    for test in _in_reading_order(significance, list(formats)).itertuples(index=False):
        if (test.setting, test.metric) not in _compared_measures(formats.get(test.benchmark)):
            continue
        a, b = parse_run(test.run_a), parse_run(test.run_b)
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
                f"{test.setting} {METRIC_NAMES.get(test.metric, test.metric)}",
                f"{hybrid.label} − {other.label}",
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


def _rank_distance(table: pd.DataFrame) -> list[Block]:
    if table.empty:
        return []
    benchmarks = list(pd.unique(table["benchmark"]))
    index = table.set_index(["encoder", "run", "benchmark"])
    rows = []
    for encoder in pd.unique(table["encoder"]):
        runs = sorted_runs(table.loc[table["encoder"] == encoder, "run"])
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


def _miracl(table: pd.DataFrame) -> list[Block]:
    means = table[(table["lang"] == "mean") & (table["metric"] == "ndcg_10")] if not table.empty else table
    if means.empty:
        return []
    rows = []
    for encoder in pd.unique(means["encoder"]):
        part = means[means["encoder"] == encoder]
        labels = run_labels(sorted_runs(part["run"]))
        for row in part.itertuples(index=False):
            rows.append([encoder, labels[row.run], row.benchmark, cell(pd.Series(row._asdict()))])
    return [
        Heading("MIRACL-format benchmarks: mean nDCG@10", 2),
        Table(["encoder", "run", "benchmark", "mean nDCG@10"], rows, [False, False, False, True]),
    ]


def _training(logs: Mapping[tuple[str, str], pd.DataFrame]) -> list[Block]:
    if not logs:
        return []
    rows = []
    for (encoder, run), log in logs.items():
        validation = log.dropna(subset=["val_loss"])
        best = validation.loc[validation["val_loss"].idxmin()] if len(validation) else None
        shares = log["kind"].value_counts(normalize=True)
        rows.append(
            [
                encoder,
                parse_run(run).label,
                str(int(log["step"].max())),
                f"{shares.get('x_x', 0.0):.0%}",
                number(log["loss"].tail(max(1, len(log) // 10)).mean()),
                f"{best['val_loss']:.3f} (step {int(best['step'])})" if best is not None else MISSING,
            ]
        )
    return [
        Heading("Training", 2),
        Table(
            ["encoder", "run", "steps", "x_x batches", "final training loss", "best validation loss"],
            rows,
            [False, False, True, True, True, True],
        ),
        Paragraph(
            "Final training loss: mean InfoNCE loss of the last 10% of steps. The model kept is the one "
            "of the best validation loss."
        ),
    ]


def _data(mt_quality: pd.DataFrame, ledger: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading("Translation and corpus", 2)]
    if mt_quality.empty:
        blocks.append(Paragraph("MT quality was not measured (`translation.quality.benchmark` is null)."))
    else:
        rows = [[r.lang, r.kind, number(r.bleu, 1), number(r.chrf, 1)] for r in mt_quality.itertuples(index=False)]
        blocks.append(Table(["language", "kind", "BLEU", "chrF++"], rows, [False, False, True, True]))
    if not ledger.empty:
        totals = ledger.groupby(["dataset", "status"], sort=False)["pairs"].sum().unstack(fill_value=0)
        rows = []
        for dataset, counts in totals.iterrows():
            total = int(counts.sum())
            rows.append(
                [dataset, str(total)]
                + [f"{int(counts.get(s, 0))} ({counts.get(s, 0) / total:.1%})" for s in ("kept", "filtered", "failed")]
            )
        blocks += [
            Paragraph("Pairs (over all languages) that entered the corpus, by outcome:"),
            Table(["dataset", "input pairs", "kept", "filtered", "failed"], rows, [False, True, True, True, True]),
        ]
    return blocks


def _where(figures: list[str], tables: list[str]) -> list[Block]:
    figure_items = []
    for path in figures:
        kind = (
            PurePosixPath(path).parent.name
            if PurePosixPath(path).parent.name in FIGURE_DESCRIPTIONS
            else PurePosixPath(path).stem
        )
        description = FIGURE_DESCRIPTIONS.get(kind, "")
        figure_items.append(f"`{path}` (and `.pdf`): {description}")
    table_items = [
        f"`{path}` (and `.parquet`, `.html`): {TABLE_DESCRIPTIONS.get(PurePosixPath(path).stem, '')}" for path in tables
    ]
    return [
        Heading("Where everything is", 2),
        Paragraph("Tables (Markdown; the Parquet version is long format with one row per number):"),
        Bullets(table_items),
        Paragraph("Figures (PNG):"),
        Bullets(figure_items),
        Paragraph(
            "The same tables and figures, with captions, are in the HTML report `results/report.html` "
            "(`make demo` writes it; after any run: `snakemake --report results/report.html`)."
        ),
    ]


def _paper(map_table: pd.DataFrame) -> list[Block]:
    matched = map_table["paper_value"].notna().sum() if not map_table.empty else 0
    if matched:
        text = (
            f"{matched} of the mAP numbers above have a published counterpart in {PAPER_NAME}; Table 1 "
            "(`report/tables/map.md`) shows them side by side. The paper reports no confidence intervals."
        )
    else:
        text = (
            f"None of these runs has a published counterpart in {PAPER_NAME} (its numbers are for XLM-R "
            "and LaBSE on XQuAD-R, MLQA-R and MIRACL), so the paper columns of the tables show "
            f"{MISSING}. This is expected for the demo, which trains a tiny model on synthetic data."
        )
    return [Heading("Comparison with the paper", 2), Paragraph(text)]


def summary_document(
    config: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    significance: pd.DataFrame,
    logs: Mapping[tuple[str, str], pd.DataFrame],
    figures: list[str],
    table_files: list[str],
) -> list[Block]:
    """The summary of one pipeline run. `tables` holds the report tables by name (map,
    rank_distance, miracl, mt_quality, corpus_ledger); `figures` and `table_files` are paths to list."""
    encoders = [e["name"] for e in config["training"]["encoders"]]
    intro = Paragraph(
        "This pipeline reproduces hybrid batch training of multilingual dense retrievers "
        f"({PAPER_NAME}): English question-answer data is machine-translated into the training "
        "languages, and each encoder is fine-tuned with three ways of composing its training batches, "
        "then evaluated on monolingual, cross-lingual and multilingual retrieval. This page summarises "
        f"the run of encoders {', '.join(f'`{e}`' for e in encoders)}."
    )
    formats = {b["name"]: b["format"] for b in config["benchmarks"]}
    return [
        Heading("Results summary", 1),
        intro,
        *_what_was_run(config),
        *_how_to_read(),
        *_headline(tables["map"]),
        *_comparisons(significance, formats),
        *_rank_distance(tables["rank_distance"]),
        *_miracl(tables["miracl"]),
        *_training(logs),
        *_data(tables["mt_quality"], tables["corpus_ledger"]),
        *_paper(tables["map"]),
        *_where(figures, table_files),
    ]
