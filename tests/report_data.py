"""Synthetic inputs of the report stage, valid under their schemas (metrics, significance,
per_query, training_log, mt_quality, translation_ledger, corpus_ledger).

One encoder, runs zero_shot, x_x-s7, x_y-s7, hybrid-a0.3-s7, hybrid-a0.5-s7; a LAReQA-like
benchmark (en, de, es, el; el is zero-shot) with mono / cross / multi settings and a MIRACL-like
mono-only benchmark (en, de, fi; fi is zero-shot). `write_inputs(results)` writes them where the
evaluate, train, translate and corpus stages put theirs.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from hybridir.tables import write_table

ENCODER = "tiny"
RUNS = ["zero_shot", "x_x-s7", "x_y-s7", "hybrid-a0.3-s7", "hybrid-a0.5-s7"]
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
    alpha = {"x_x": 1.0, "x_y": 0.0}.get(fields["strategy"], fields["alpha"])
    return 0.68 + 0.08 * alpha - 0.1 * (alpha - 0.5) ** 2, 0.65 - 0.1 * alpha**2


METRIC_COLUMNS = {"map": "ap", "recall_1": "recall_1", "recall_10": "recall_10", "recall_100": "recall_100"}


def run_fields(run: str) -> dict:
    if run == "zero_shot":
        return {"strategy": "zero_shot", "alpha": None, "seed": None}
    strategy = run.split("-")[0]
    alpha = float(run.split("-a")[1].split("-")[0]) if strategy == "hybrid" else None
    return {"strategy": strategy, "alpha": alpha, "seed": 7}


def per_query_rows(run: str, languages: list[str], lareqa: bool, rng: np.random.Generator) -> pd.DataFrame:
    """A per_query table: mono / cross / multi (lareqa) or mono only (miracl)."""
    mono, cross = run_quality(run)
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
    return pd.DataFrame(rows)


def _interval(values: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    means = [values[rng.integers(0, len(values), len(values))].mean() for _ in range(200)]
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def metrics_of(
    per_query: pd.DataFrame, encoder: str, run: str, benchmark: str, rng: np.random.Generator
) -> pd.DataFrame:
    """metrics rows (per combination and macro) computed from a per_query table."""
    metrics = ["map", "recall_1", "recall_10", "recall_100", "ndcg_10"]
    rows = []
    fields = {"encoder": encoder, "run": run, **run_fields(run), "benchmark": benchmark}
    for setting, part in per_query.groupby("setting"):
        for metric in metrics:
            column = METRIC_COLUMNS.get(metric, metric)
            combos = []
            for (query_lang, pool_lang), combo in part.groupby(["query_lang", "pool_lang"]):
                values = combo[column].to_numpy()
                low, high = _interval(values, rng)
                combos.append(values.mean())
                rows.append(
                    {**fields, "setting": setting, "query_lang": query_lang, "pool_lang": pool_lang, "metric": metric,
                     "value": float(values.mean()), "ci_low": low, "ci_high": high, "queries": len(values)}
                )  # fmt: skip
            value = float(np.mean(combos))
            rows.append(
                {**fields, "setting": setting, "query_lang": "macro", "pool_lang": "macro", "metric": metric,
                 "value": value, "ci_low": value - 0.02, "ci_high": value + 0.02, "queries": len(part)}
            )  # fmt: skip
        if setting == "multi":
            by_lang = part.groupby("query_lang")["rank_distance"].mean()
            for query_lang, value in by_lang.items():
                rows.append(
                    {**fields, "setting": setting, "query_lang": query_lang, "pool_lang": "all",
                     "metric": "rank_distance", "value": float(value), "ci_low": float(value) - 10,
                     "ci_high": float(value) + 10, "queries": int((part["query_lang"] == query_lang).sum())}
                )  # fmt: skip
            value = float(by_lang.mean())
            rows.append(
                {**fields, "setting": setting, "query_lang": "macro", "pool_lang": "macro", "metric": "rank_distance",
                 "value": value, "ci_low": value - 8, "ci_high": value + 8, "queries": len(part)}
            )  # fmt: skip
    return pd.DataFrame(rows)


def significance_of(metrics: pd.DataFrame) -> pd.DataFrame:
    """Every pair of runs of an encoder per benchmark, setting and macro metric; p from the difference."""
    macro = metrics[metrics["query_lang"] == "macro"].set_index(["encoder", "benchmark", "setting", "metric", "run"])
    macro = macro["value"]
    rows = []
    for (encoder, benchmark, setting, metric), part in macro.groupby(level=[0, 1, 2, 3]):
        runs = list(part.index.get_level_values("run"))
        for i, run_a in enumerate(runs):
            for run_b in runs[i + 1 :]:
                a = macro[(encoder, benchmark, setting, metric, run_a)]
                b = macro[(encoder, benchmark, setting, metric, run_b)]
                scale = 20.0 if metric == "rank_distance" else 0.02
                p_value = float(min(1.0, np.exp(-abs(b - a) / scale)))
                rows.append(
                    {"encoder": encoder, "benchmark": benchmark, "setting": setting, "metric": metric,
                     "run_a": run_a, "run_b": run_b, "value_a": a, "value_b": b, "difference": b - a,
                     "ci_low": b - a - scale, "ci_high": b - a + scale, "p_value": p_value,
                     "significant": p_value < 0.05, "questions": QUESTIONS, "resamples": 1000}
                )  # fmt: skip
    return pd.DataFrame(rows)


def training_log(rng: np.random.Generator, steps: int = 120) -> pd.DataFrame:
    """A training_log table with a validation loss every 20 steps."""
    step = np.arange(1, steps + 1)
    loss = 3.3 * np.exp(-step / 50) + 0.6 + rng.normal(0, 0.15, steps)
    val = np.where(step % 20 == 0, 3.0 * np.exp(-step / 60) + 0.9 + rng.normal(0, 0.1, steps), np.nan)
    kinds = rng.choice(["x_x", "x_y"], steps)
    return pd.DataFrame(
        {
            "step": step,
            "loss": loss,
            "val_loss": pd.Series(val).astype("float64").where(~np.isnan(val), None),
            "lr": np.linspace(1e-3, 0, steps),
            "kind": kinds,
            "dataset": "facts",
            "lang": [rng.choice(TRAIN_LANGUAGES) if k == "x_x" else None for k in kinds],
            "pairs": 16,
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
    """metrics, significance and per_query tables of the evaluate stage; benchmarks maps a name to
    (languages, lareqa-like). Returns the per_query paths by (encoder, run, benchmark)."""
    metrics, per_query = [], {}
    for run in runs:
        for benchmark, (languages, lareqa) in benchmarks.items():
            table = per_query_rows(run, languages, lareqa, rng)
            path = results / "evaluate" / encoder / run / benchmark / "per_query.parquet"
            write_table(table, path, "per_query")
            per_query[(encoder, run, benchmark)] = path
            metrics.append(metrics_of(table, encoder, run, benchmark, rng))
    metrics = pd.concat(metrics, ignore_index=True)
    write_table(metrics, results / "evaluate" / "metrics.parquet", "metrics")
    write_table(significance_of(metrics), results / "evaluate" / "significance.parquet", "significance")
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
        "metrics": results / "evaluate" / "metrics.parquet",
        "significance": results / "evaluate" / "significance.parquet",
        "per_query": write_evaluation(results, ENCODER, RUNS, benchmarks, rng),
        "logs": write_training_logs(results, ENCODER, RUNS[1:], rng),
        **write_translation(results, ["de", "es"], with_mt_quality),
        "corpus_ledgers": write_corpus_ledgers(results, ["facts", "extra"], TRAIN_LANGUAGES),
    }
