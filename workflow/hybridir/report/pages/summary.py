"""results/summary.md: what was run, the headline numbers with intervals, which differences are
significant, and where every table and figure is, for a reader who has not seen the code."""

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from hybridir.layout import STUDY_TABLE
from hybridir.report.format import PAPER_NAME, evaluation_note
from hybridir.report.pages import answer, checks, studies, summary_pipeline, summary_results
from hybridir.report.pages.document import Block, Bullets, Heading, Paragraph
from hybridir.report.pages.mix import mix_warning
from hybridir.vocabulary import SETTINGS, alpha_text, domain_label, references, strategy

FIGURE_DESCRIPTIONS = {
    "map_heatmap": "mAP of every query language → pool language pair, one panel per strategy, mean over seeds "
    "(diagonal = monolingual)",
    "map_difference": "hybrid minus x_x and hybrid minus x_y mAP per language pair (blue = hybrid better)",
    "alpha_sweep": "mono / cross / multi mAP against α, the share of x_x batches (x_y at 0, x_x at 1)",
    "rank_distance": "distribution of per-query rank distances per strategy, seeds pooled (box plot and cumulative "
    "distribution)",
    "per_language": "results per query language, zero-shot languages hatched",
    "resources": "a per-language metric against the language's CC-100 size (log scale), per strategy; hollow = "
    "unseen in training",
    "training_loss": "training loss (per step and moving average) and validation loss of every run",
}
TABLE_DESCRIPTIONS = {
    "map": "Table 1: mAP mono / cross / multi per encoder, strategy and benchmark, with the paper's values",
    "recall": "Table 2: Recall@1 mono / cross and Recall@10 multi per encoder, strategy and benchmark",
    "rank_distance": "Table 3: rank distance (language bias) per encoder, strategy and benchmark",
    "miracl": "Table 4: MIRACL-format benchmarks: nDCG@10 and Recall@100 per language and mean",
    "per_language": "Table 5: mAP, Recall@1 and Recall@10 per query language",
    "language_groups": "results by language resources: per Joshi class, seen / unseen in training and in / not in "
    "the encoder's pretraining, with Holm-corrected comparisons; the languages' CC-100 sizes, classes and sources",
    "beir": "BEIR-format benchmarks: nDCG@10 and Recall@100, EN→EN (mono) and X→EN (cross, machine-translated queries)",
    "domains": "every benchmark's compared measures grouped by benchmark domain",
    "mixtures": "each strategy trained on one training mixture against itself trained on another",
    "mt_quality": "MT quality (BLEU, chrF++) per language and kind",
    "translation_flags": "translated texts per language and flag",
    "corpus_ledger": "kept / filtered / failed pairs per dataset and language",
    "training_mix": "what each strategy trained on: shares of batches and pairs per dataset and language, hard "
    "negatives per pair",
    "usage": "time and memory of every translation shard, training run, encode and rank job",
    "truncation": "texts cut for length at translation and at encoding",
    "benchmark_ledger": "benchmark judgements per language: kept, answers moved, dropped",
    "warnings": "every warning the jobs logged, per job and message",
}


def _what_was_run(config: Mapping[str, Any], settings: Mapping[str, Any]) -> list[Block]:
    train = config["languages"]["train"]
    training = config["training"]
    seeds = training["seeds"]
    benchmarks = []
    for bench in config["benchmarks"]:
        unseen = [lang for lang in bench["languages"] if lang not in train]
        extra = f"; zero-shot languages (never seen in training): {', '.join(unseen)}" if unseen else ""
        if bench["translate_queries"]:
            extra += f"; queries machine-translated into {', '.join(bench['translate_queries'])}"
        kind = f"{bench['format']} format, domain {domain_label(bench['domain'])}"
        benchmarks.append(f"`{bench['name']}` ({kind}): {', '.join(bench['languages'])}{extra}")
    alphas = f" (α = {', '.join(alpha_text(a) for a in training['alpha'])})"
    strategies = [
        f"`{name}`: {strategy(name).description}{alphas if strategy(name).takes_alpha else ''}"
        for name in training["strategies"]
    ]
    encoders = [f"`{e['name']}` ({e['model']})" for e in training["encoders"]]
    model = config.get("translation", {}).get("model")
    quality = config.get("translation", {}).get("quality", {}).get("benchmark")
    translation = f"English QA data machine-translated with `{model}`" if model else "nothing machine-translated"
    stopping = (
        "early stopping on the validation loss"
        if config.get("validation_datasets")
        else "no validation set: the model of the last step"
    )
    return [
        Heading("What was run", 2),
        Bullets(
            [
                f"Training languages: {', '.join(train)} (source language {config['languages']['source']}); "
                + translation
                + (f", its quality measured on `{quality}`." if quality else "."),
                f"Encoders: {', '.join(encoders)}; each also evaluated untrained (the zero-shot baseline).",
                "Batch strategies: " + "; ".join(strategies) + ".",
                f"Seeds: {', '.join(str(s) for s in seeds)}; {training.get('steps', '?')} steps of "
                f"{training.get('batch_size', '?')} pairs at most ({stopping}).",
                "Benchmarks: " + "; ".join(benchmarks) + ".",
                _mixtures_text(config["mixtures"]),
                evaluation_note(settings),
            ]
        ),
    ]


def _mixtures_text(mixtures: list[Mapping[str, Any]]) -> str:
    if len(mixtures) == 1 and mixtures[0]["name"] is None:
        return "Training data: one mixture of every dataset."
    parts = [f"`{m['name']}` ({', '.join(m['datasets'])})" for m in mixtures]
    return "Training mixtures, each trained with every strategy and seed: " + "; ".join(parts) + "."


def _how_to_read() -> list[Block]:
    settings = "; ".join(f"**{s.name}** ({s.label}): {s.description}" for s in SETTINGS.values())
    markers = ", ".join(f"{strategy(name).marker} = significantly better than {name}" for name in references())
    return [
        Heading("How to read the numbers", 2),
        Bullets(
            [
                "**mAP** (mean average precision, 0-1, higher is better): how high the relevant "
                "candidates of a question rank in the whole pool, averaged over questions and then over "
                f"language combinations. {settings}, where a question has a relevant candidate in every language.",
                "**Recall@k**: share of the relevant candidates in the top k. **nDCG@10**: graded "
                "relevance of the top 10, discounted by rank (MIRACL).",
                "**Rank distance** (in ranks, lower is better): in the multilingual pool, the highest "
                "minus the lowest rank among a question's parallel relevant candidates. A large distance "
                "means the retriever prefers some languages (language bias).",
                "Every strategy is trained once per seed; a number is the **mean over seeds ± their standard "
                "deviation**, and brackets are its 95% interval from resampling both seeds and questions (the "
                "multi-bootstrap of Sellam et al. 2022), so a difference smaller than the seed-to-seed spread is "
                "not called significant. Comparisons between strategies use all seeds of both; their p-values are "
                "Holm-corrected over the comparisons of each table (the table says over how many). "
                f"Markers: {markers}.",
            ]
        ),
    ]


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
            "(`report/tables/map.md`) shows them side by side with our difference from each, and Tables 3 and 4 do "
            "so for rank distance and MIRACL nDCG@10. The paper reports one run per strategy, without intervals."
        )
    else:
        text = (
            f"None of these runs has a published counterpart in {PAPER_NAME} (its numbers are for XLM-R "
            "and LaBSE on XQuAD-R, MLQA-R and MIRACL) or in LAReQA's mBERT baselines (multi mAP on XQuAD-R and "
            "MLQA-R), so the tables show no paper column. This is expected for the demo, which trains a tiny model "
            "on synthetic data."
        )
    return [Heading("Comparison with the paper", 2), Paragraph(text)]


def summary_document(
    config: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    significance: pd.DataFrame,
    logs: Mapping[tuple[str, str], pd.DataFrame],
    figures: list[str],
    table_files: list[str],
    settings: Mapping[str, Any],
) -> list[Block]:
    """The summary of one pipeline run. `tables` holds the report tables by name (map,
    recall, rank_distance, miracl, mt_quality, corpus_ledger); `settings` the evaluation settings
    (hybridir.report.format.evaluation_note); `figures` and `table_files` are paths to list."""
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
        *(answer.summary_lines(tables[STUDY_TABLE], config["study"]) if config["study"] else []),
        *_what_was_run(config, settings),
        *_how_to_read(),
        *summary_results.headline(tables["map"]),
        *summary_results.comparisons(significance, formats),
        *summary_results.rank_distance(tables["rank_distance"]),
        *summary_results.miracl(tables["miracl"]),
        *studies.summary_domains(tables["domains"]),
        *studies.summary_mixtures(tables["mixtures"], config["mixtures"]),
        *summary_pipeline.training(logs),
        *mix_warning(tables["training_mix"]),
        *summary_pipeline.data(tables["mt_quality"], tables["corpus_ledger"]),
        *checks.checks_summary(tables["truncation"], tables["benchmark_ledger"], tables["warnings"]),
        *_paper(tables["map"]),
        *_where(figures, table_files),
    ]
