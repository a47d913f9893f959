"""Synthetic inputs of the report stage, valid under their schemas (per_query, and the
strategy_metrics and significance tables the evaluate stage computes from them; training_log,
mt_quality, translation_ledger, corpus_ledger).

One encoder, runs zero_shot, x_x and x_y with seeds 7 and 8, hybrid α=0.3 with seed 7 and hybrid
α=0.5 with seeds 7 and 8 (a seed shifts a run's results by 0.01); a LAReQA-like
benchmark (en, de, es, el; el is zero-shot) with mono / cross / multi settings and a MIRACL-like
mono-only benchmark (en, de, fi; fi is zero-shot). `write_inputs(results)` writes them where the
evaluate, train, translate and corpus stages put theirs.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from hybridir.evaluate import seeds as seeds_module
from hybridir.evaluate.metrics import per_query_columns
from hybridir.evaluate.seeds import seed_statistics
from hybridir.evaluate.significance import compare_strategies
from hybridir.tables import write_table
from hybridir.vocabulary import Run, strategy

ENCODER = "tiny"
RUNS = ["zero_shot", "x_x-s7", "x_x-s8", "x_y-s7", "x_y-s8", "hybrid-a0.3-s7", "hybrid-a0.5-s7", "hybrid-a0.5-s8"]
RESAMPLES = 200
TRAIN_LANGUAGES = ["en", "de", "es"]
LAREQA = "bench_lareqa"
LAREQA_LANGUAGES = ["en", "de", "es", "el"]
MIRACL = "bench_miracl"
MIRACL_LANGUAGES = ["en", "de", "fi"]
QUESTIONS = 30


def run_quality(run: str) -> tuple[float, float]:
    """(mono, cross) mAP level of a run: x_x is better monolingually, x_y cross-lingually."""
    fields = run_fields(run)
    if fields["strategy"] == "zero_shot":
        return 0.25, 0.10
    equivalent = strategy(fields["strategy"]).alpha_equivalent
    alpha = equivalent if equivalent is not None else fields["alpha"] if fields["alpha"] is not None else 0.5
    return 0.68 + 0.08 * alpha - 0.1 * (alpha - 0.5) ** 2, 0.65 - 0.1 * alpha**2


def run_fields(run: str) -> dict:
    parsed = Run.parse(ENCODER, run)
    return {"strategy": parsed.strategy, "alpha": parsed.alpha, "seed": parsed.seed}


def per_query_rows(run: str, languages: list[str], lareqa: bool, rng: np.random.Generator) -> pd.DataFrame:
    """A per_query table: mono / cross / multi (lareqa) or mono only (miracl); each seed shifts a run."""
    mono, cross = run_quality(run)
    seed = run_fields(run)["seed"]
    shift = 0.0 if seed is None else 0.01 * (seed - 7)
    mono, cross = mono + shift, cross + shift
    rows = []
    for q in range(QUESTIONS):
        difficulty = rng.normal(0, 0.1)
        for query_lang in languages:
            penalty = 0.08 if query_lang not in TRAIN_LANGUAGES else 0.0
            pools = [(query_lang, "mono", mono)]
            if lareqa:
                pools += [(p, "cross", cross) for p in languages if p != query_lang]
                pools.append(("all", "multi", (mono + 3 * cross) / 4 - 0.1))
            for pool_lang, setting, quality in pools:
                ap = float(np.clip(quality - penalty + difficulty + rng.normal(0, 0.15), 0.01, 1.0))
                relevant = len(languages) if setting == "multi" else (1 if lareqa else 2)
                rows.append(
                    {
                        "setting": setting,
                        "query_id": f"{q}-{query_lang}",
                        "question_id": str(q),
                        "query_lang": query_lang,
                        "pool_lang": pool_lang,
                        "relevant": relevant,
                        "ap": ap,
                        "recall_1": float(ap > 0.6),
                        "recall_10": float(min(1.0, ap + 0.3)),
                        "recall_100": float(min(1.0, ap + 0.5)),
                        "ndcg_10": float(min(1.0, ap * 1.1)),
                        "rank_distance": float(rng.integers(1, 400) * (1.2 - cross)) if setting == "multi" else None,
                    }
                )
    return pd.DataFrame(rows).assign(weight=1.0).reindex(columns=per_query_columns())


def training_log(rng: np.random.Generator, steps: int = 120) -> pd.DataFrame:
    """A training_log table with a validation loss every 20 steps."""
    step = np.arange(1, steps + 1)
    loss = 3.3 * np.exp(-step / 50) + 0.6 + rng.normal(0, 0.15, steps)
    val = np.where(step % 20 == 0, 3.0 * np.exp(-step / 60) + 0.9 + rng.normal(0, 0.1, steps), np.nan)
    kinds = rng.choice(["x_x", "x_y"], steps)
    langs = [rng.choice(TRAIN_LANGUAGES) if k == "x_x" else None for k in kinds]
    return pd.DataFrame(
        {
            "step": step,
            "loss": loss,
            "val_loss": pd.Series(val).astype("float64").where(~np.isnan(val), None),
            "lr": np.linspace(1e-3, 0, steps),
            "kind": kinds,
            "dataset": "facts",
            "lang": langs,
            "pairs": 16,
            "dropped_negatives": 0,
            "negatives": 16,
            "langs": [[lang] if lang else sorted(TRAIN_LANGUAGES) for lang in langs],
            "lang_texts": [[32] if lang else [12, 10, 10] for lang in langs],
            "seconds": 0.05,
        }
    )


def write_evaluation(
    results: Path,
    encoder: str,
    runs: list[str],
    benchmarks: dict[str, tuple[list[str], bool]],
    rng: np.random.Generator,
) -> dict[tuple[str, str, str], Path]:
    """per_query tables of every run and the evaluate stage's strategy_metrics and significance
    tables computed from them (hybridir.evaluate.seeds); benchmarks maps a name to (languages,
    lareqa-like). Returns the per_query paths by (encoder, run, benchmark)."""
    strategy_metrics, significance, per_query = [], [], {}
    for benchmark, (languages, lareqa) in benchmarks.items():
        tables = {run: per_query_rows(run, languages, lareqa, rng) for run in runs}
        for run, table in tables.items():
            path = results / "evaluate" / encoder / run / benchmark / "per_query.parquet"
            write_table(table, path, "per_query")
            per_query[(encoder, run, benchmark)] = path
        statistics = seed_statistics(tables, encoder, RESAMPLES, 7)
        strategy_metrics.append(seeds_module.strategy_metrics(statistics, benchmark))
        significance.append(compare_strategies(statistics, benchmark))
    evaluate = results / "evaluate"
    write_table(
        pd.concat(strategy_metrics, ignore_index=True), evaluate / "strategy_metrics.parquet", "strategy_metrics"
    )
    write_table(pd.concat(significance, ignore_index=True), evaluate / "significance.parquet", "significance")
    return per_query


def write_training_logs(results: Path, encoder: str, runs: list[str], rng: np.random.Generator) -> dict:
    """A training log per run (train stage); returns the paths by (encoder, run)."""
    logs = {}
    for run in runs:
        path = results / "train" / encoder / run / "log.parquet"
        write_table(training_log(rng), path, "training_log")
        logs[(encoder, run)] = path
    return logs


def write_translation(results: Path, languages: list[str], with_mt_quality: bool = True) -> dict:
    """Translation ledgers per target language and, optionally, the mt_quality table."""
    ledgers = []
    for lang in languages:
        ledger = pd.DataFrame(
            {
                "lang": lang,
                "flag": ["ok", "repetition", "truncated_output"],
                "texts": [450, 18, 3],
                "source_chars": [28000, 3900, 700],
            }
        )
        path = results / "translate" / "ledger" / f"{lang}.parquet"
        write_table(ledger, path, "translation_ledger")
        ledgers.append(path)
    quality_path = None
    if with_mt_quality:
        pairs = [(lang, kind) for lang in languages for kind in ("paragraph", "question")]
        quality = pd.DataFrame(
            [
                {"lang": lang, "kind": kind, "segments": 120, "bleu": 31.5 + i, "chrf": 55.2 + i,
                 "bleu_ci_low": 29.0 + i, "bleu_ci_high": 34.0 + i, "chrf_ci_low": 53.2 + i, "chrf_ci_high": 57.2 + i,
                 "bleu_signature": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
                 "chrf_signature": "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0", "flagged": i}
                for i, (lang, kind) in enumerate(pairs)
            ]
        )  # fmt: skip
        quality_path = results / "translate" / "mt_quality.parquet"
        write_table(quality, quality_path, "mt_quality")
    return {"translation_ledgers": ledgers, "mt_quality": quality_path}


def write_corpus_ledgers(results: Path, datasets: list[str], languages: list[str], source: str = "en") -> list[Path]:
    """A corpus ledger per dataset with kept, filtered (two reasons) and failed pairs."""
    paths = []
    for dataset in datasets:
        rows = []
        for i in range(60):
            for lang in languages:
                status, reason = "kept", None
                if lang != source and i % 10 == 0:
                    status, reason = "filtered", "flagged_repetition"
                elif lang != source and i % 17 == 0:
                    status, reason = "filtered", "length_ratio"
                elif i == 59:
                    status, reason = "failed", "missing_translation"
                rows.append(
                    {"pair_id": f"{dataset}-{i}", "dataset": dataset, "lang": lang, "status": status, "reason": reason}
                )
        path = results / "corpus" / "ledger" / f"{dataset}.parquet"
        write_table(pd.DataFrame(rows), path, "corpus_ledger")
        paths.append(path)
    return paths


def write_inputs(results: Path, with_mt_quality: bool = True) -> dict:
    """Write every input of the report stage under `results`; return their paths by kind."""
    rng = np.random.default_rng(7)
    benchmarks = {LAREQA: (LAREQA_LANGUAGES, True), MIRACL: (MIRACL_LANGUAGES, False)}
    return {
        "strategy_metrics": results / "evaluate" / "strategy_metrics.parquet",
        "significance": results / "evaluate" / "significance.parquet",
        "per_query": write_evaluation(results, ENCODER, RUNS, benchmarks, rng),
        "logs": write_training_logs(results, ENCODER, RUNS[1:], rng),
        **write_translation(results, ["de", "es"], with_mt_quality),
        "corpus_ledgers": write_corpus_ledgers(results, ["facts", "extra"], TRAIN_LANGUAGES),
    }
