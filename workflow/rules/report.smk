REPORT_CODE = code_fingerprint(
    "report",
    "evaluate/metrics",
    "evaluate/cells",
    "evaluate/bootstrap",
    "evaluate/aggregate",
    "evaluate/seeds",
    "evaluate/significance",
    "plan",
    "tables",
)
# The evaluation settings that the report's pages and captions name.
EVALUATION_SETTINGS = {
    "candidate_context": EVALUATION["candidate_context"],
    "max_length": EVALUATION["max_length"],
    "resamples": EVALUATION["resamples"],
    "seeds": TRAINING["seeds"] or [config["seed"]],
}


rule report_retrieval_tables:
    input:
        metrics=f"{RESULTS}/evaluate/strategy_metrics.parquet",
        significance=f"{RESULTS}/evaluate/significance.parquet",
        paper=PAPER_NUMBERS,
    output:
        map=report_table_files("map")[0],
        map_md=report_table_files("map")[1],
        map_html=report(
            report_table_files("map")[2],
            caption="../report/table_map.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 1: mAP mono / cross / multi"},
        ),
        recall=report_table_files("recall")[0],
        recall_md=report_table_files("recall")[1],
        recall_html=report(
            report_table_files("recall")[2],
            caption="../report/table_recall.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 2: Recall@1 mono / cross, Recall@10 multi"},
        ),
        rank_distance=report_table_files("rank_distance")[0],
        rank_distance_md=report_table_files("rank_distance")[1],
        rank_distance_html=report(
            report_table_files("rank_distance")[2],
            caption="../report/table_rank_distance.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 3: rank distance"},
        ),
        miracl=report_table_files("miracl")[0],
        miracl_md=report_table_files("miracl")[1],
        miracl_html=report(
            report_table_files("miracl")[2],
            caption="../report/table_miracl.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 4: MIRACL nDCG@10 and Recall@100"},
        ),
    log:
        f"{RESULTS}/logs/report/retrieval_tables.log",
    conda:
        "../../envs/report.yaml"
    params:
        retrieval=retrieval_benchmarks(),
        miracl=miracl_benchmarks(),
        train_languages=config["languages"]["train"],
        evaluation=EVALUATION_SETTINGS,
        seed=config["seed"],
        code=REPORT_CODE,
    script:
        "../scripts/report_retrieval_tables.py"


rule report_per_language:
    input:
        metrics=f"{RESULTS}/evaluate/strategy_metrics.parquet",
    output:
        table=report_table_files("per_language")[0],
        markdown=report_table_files("per_language")[1],
        html=report(
            report_table_files("per_language")[2],
            caption="../report/table_per_language.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 5: results per language"},
        ),
    log:
        f"{RESULTS}/logs/report/per_language.log",
    conda:
        "../../envs/report.yaml"
    params:
        benchmarks=retrieval_benchmarks(),
        train_languages=config["languages"]["train"],
        evaluation=EVALUATION_SETTINGS,
        seed=config["seed"],
        code=REPORT_CODE,
    script:
        "../scripts/report_per_language.py"


rule report_translation:
    input:
        mt_quality=mt_quality_inputs(),
        ledgers=translation_ledger_paths(),
    output:
        mt_quality=report_table_files("mt_quality")[0],
        mt_quality_md=report_table_files("mt_quality")[1],
        mt_quality_html=report(
            report_table_files("mt_quality")[2],
            caption="../report/table_mt_quality.rst",
            category="1. Translation",
            labels={"table": "MT quality: BLEU and chrF++"},
        ),
        flags=report_table_files("translation_flags")[0],
        flags_md=report_table_files("translation_flags")[1],
        flags_html=report(
            report_table_files("translation_flags")[2],
            caption="../report/table_translation_flags.rst",
            category="1. Translation",
            labels={"table": "Translation flags per language"},
        ),
    log:
        f"{RESULTS}/logs/report/translation.log",
    conda:
        "../../envs/report.yaml"
    params:
        benchmark=config["translation"]["quality"]["benchmark"],
        seed=config["seed"],
        code=REPORT_CODE,
    script:
        "../scripts/report_translation.py"


rule report_corpus:
    input:
        corpus_ledger_paths(),
    output:
        table=report_table_files("corpus_ledger")[0],
        markdown=report_table_files("corpus_ledger")[1],
        html=report(
            report_table_files("corpus_ledger")[2],
            caption="../report/table_corpus_ledger.rst",
            category="2. Corpus",
            labels={"table": "Corpus ledger summary"},
        ),
    log:
        f"{RESULTS}/logs/report/corpus.log",
    conda:
        "../../envs/report.yaml"
    params:
        seed=config["seed"],
        code=REPORT_CODE,
    script:
        "../scripts/report_corpus.py"


rule report_map_heatmaps:
    input:
        metrics=f"{RESULTS}/evaluate/strategy_metrics.parquet",
    output:
        heatmap=report(
            f"{REPORT}/figures/map_heatmap/{{encoder}}-{{benchmark}}.png",
            caption="../report/figure_map_heatmap.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "mAP heatmaps", "encoder": "{encoder}"},
        ),
        heatmap_pdf=f"{REPORT}/figures/map_heatmap/{{encoder}}-{{benchmark}}.pdf",
        difference=report(
            f"{REPORT}/figures/map_difference/{{encoder}}-{{benchmark}}.png",
            caption="../report/figure_map_difference.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "mAP difference heatmaps", "encoder": "{encoder}"},
        ),
        difference_pdf=f"{REPORT}/figures/map_difference/{{encoder}}-{{benchmark}}.pdf",
    log:
        f"{RESULTS}/logs/report/map_heatmaps/{{encoder}}-{{benchmark}}.log",
    conda:
        "../../envs/report.yaml"
    params:
        train_languages=config["languages"]["train"],
        code=REPORT_CODE,
    script:
        "../scripts/report_map_heatmaps.py"


rule report_alpha_sweep:
    input:
        map=report_table_files("map")[0],
    output:
        png=report(
            f"{REPORT}/figures/alpha_sweep/{{encoder}}.png",
            caption="../report/figure_alpha_sweep.rst",
            category="4. Evaluation",
            subcategory="α sweep",
            labels={"figure": "mAP against α", "encoder": "{encoder}"},
        ),
        pdf=f"{REPORT}/figures/alpha_sweep/{{encoder}}.pdf",
    log:
        f"{RESULTS}/logs/report/alpha_sweep/{{encoder}}.log",
    conda:
        "../../envs/report.yaml"
    params:
        code=REPORT_CODE,
    script:
        "../scripts/report_alpha_sweep.py"


rule report_rank_distance_figure:
    input:
        lambda w: [r["path"] for r in per_query_records(w.encoder, w.benchmark)],
    output:
        png=report(
            f"{REPORT}/figures/rank_distance/{{encoder}}-{{benchmark}}.png",
            caption="../report/figure_rank_distance.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "rank-distance distributions", "encoder": "{encoder}"},
        ),
        pdf=f"{REPORT}/figures/rank_distance/{{encoder}}-{{benchmark}}.pdf",
    log:
        f"{RESULTS}/logs/report/rank_distance/{{encoder}}-{{benchmark}}.log",
    conda:
        "../../envs/report.yaml"
    params:
        runs=lambda w: [r["run"] for r in per_query_records(w.encoder, w.benchmark)],
        code=REPORT_CODE,
    script:
        "../scripts/report_rank_distance.py"


rule report_per_language_figure:
    input:
        lambda w: (
            report_table_files("miracl")[0]
            if w.benchmark in miracl_benchmarks()
            else report_table_files("per_language")[0]
        ),
    output:
        png=report(
            f"{REPORT}/figures/per_language/{{encoder}}-{{benchmark}}.png",
            caption="../report/figure_per_language.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "results per language", "encoder": "{encoder}"},
        ),
        pdf=f"{REPORT}/figures/per_language/{{encoder}}-{{benchmark}}.pdf",
    log:
        f"{RESULTS}/logs/report/per_language/{{encoder}}-{{benchmark}}.log",
    conda:
        "../../envs/report.yaml"
    params:
        miracl=lambda w: w.benchmark in miracl_benchmarks(),
        train_languages=config["languages"]["train"],
        code=REPORT_CODE,
    script:
        "../scripts/report_per_language_figure.py"


rule report_training_loss:
    input:
        [r["path"] for r in training_log_records()],
    output:
        png=report(
            f"{REPORT}/figures/training_loss.png",
            caption="../report/figure_training_loss.rst",
            category="3. Training",
            labels={"figure": "loss curves"},
        ),
        pdf=f"{REPORT}/figures/training_loss.pdf",
    log:
        f"{RESULTS}/logs/report/training_loss.log",
    conda:
        "../../envs/report.yaml"
    params:
        runs=[(r["encoder"], r["run"]) for r in training_log_records()],
        code=REPORT_CODE,
    script:
        "../scripts/report_training_loss.py"


rule report_summary:
    input:
        tables=[f"{REPORT}/tables/{name}.parquet" for name in REPORT_TABLES],
        significance=f"{RESULTS}/evaluate/significance.parquet",
        logs=[r["path"] for r in training_log_records()],
        figures=report_figures(),
    output:
        markdown=f"{RESULTS}/summary.md",
        html=report(
            f"{REPORT}/summary.html",
            caption="../report/summary.rst",
            category="0. Summary",
            labels={"document": "results summary"},
        ),
    log:
        f"{RESULTS}/logs/report/summary.log",
    conda:
        "../../envs/report.yaml"
    params:
        config=summary_config(),
        evaluation=EVALUATION_SETTINGS,
        names=REPORT_TABLES,
        runs=[(r["encoder"], r["run"]) for r in training_log_records()],
        code=REPORT_CODE,
    script:
        "../scripts/report_summary.py"
