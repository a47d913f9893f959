PAPER_NUMBERS = str(
    Path(LIBRARY) / "hybridir" / "report" / "data" / "paper_numbers.csv"
)
PUBLISHED_NUMBERS = str(
    Path(LIBRARY) / "hybridir" / "report" / "data" / "published_numbers.csv"
)


rule report_retrieval_tables:
    input:
        metrics=layout.ALL_STRATEGY_METRICS,
        significance=layout.ALL_SIGNIFICANCE,
        paper=PAPER_NUMBERS,
    output:
        map=layout.report_table("map", "parquet"),
        map_md=layout.report_table("map", "md"),
        map_html=report(
            layout.report_table("map", "html"),
            caption="../report/table_map.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 1: mAP mono / cross / multi"},
        ),
        recall=layout.report_table("recall", "parquet"),
        recall_md=layout.report_table("recall", "md"),
        recall_html=report(
            layout.report_table("recall", "html"),
            caption="../report/table_recall.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 2: Recall@1 mono / cross, Recall@10 multi"},
        ),
        rank_distance=layout.report_table("rank_distance", "parquet"),
        rank_distance_md=layout.report_table("rank_distance", "md"),
        rank_distance_html=report(
            layout.report_table("rank_distance", "html"),
            caption="../report/table_rank_distance.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 3: rank distance"},
        ),
        miracl=layout.report_table("miracl", "parquet"),
        miracl_md=layout.report_table("miracl", "md"),
        miracl_html=report(
            layout.report_table("miracl", "html"),
            caption="../report/table_miracl.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 4: MIRACL nDCG@10 and Recall@100"},
        ),
        # the training-data and domain studies
        beir=layout.report_table("beir", "parquet"),
        beir_md=layout.report_table("beir", "md"),
        beir_html=report(
            layout.report_table("beir", "html"),
            caption="../report/table_beir.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "BEIR-format benchmarks: EN→EN and X→EN"},
        ),
        domains=layout.report_table("domains", "parquet"),
        domains_md=layout.report_table("domains", "md"),
        domains_html=report(
            layout.report_table("domains", "html"),
            caption="../report/table_domains.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Results per benchmark domain"},
        ),
        mixtures=layout.report_table("mixtures", "parquet"),
        mixtures_md=layout.report_table("mixtures", "md"),
        mixtures_html=report(
            layout.report_table("mixtures", "html"),
            caption="../report/table_mixtures.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Training mixtures compared"},
        ),
    log:
        layout.log("report/retrieval_tables"),
    conda:
        "../../envs/report.yaml"
    params:
        retrieval=RUNS.retrieval_benchmarks,
        miracl=RUNS.miracl_benchmarks,
        benchmarks=REPORT.benchmark_facts(),
        mixtures=REPORT.mixture_facts(),
        train_languages=DATA.train_languages,
        evaluation=REPORT.evaluation_settings,
        seed=config["seed"],
        code=script_code("report_retrieval_tables"),
    script:
        "../scripts/report_retrieval_tables.py"


rule report_language_tables:
    input:
        metrics=layout.ALL_STRATEGY_METRICS,
        significance=layout.ALL_SIGNIFICANCE,
        paper=PAPER_NUMBERS,
        published=PUBLISHED_NUMBERS,
    output:
        tatoeba=layout.report_table("tatoeba", "parquet"),
        tatoeba_md=layout.report_table("tatoeba", "md"),
        tatoeba_html=report(
            layout.report_table("tatoeba", "html"),
            caption="../report/table_tatoeba.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 6: Tatoeba accuracy per language"},
        ),
        bucc=layout.report_table("bucc", "parquet"),
        bucc_md=layout.report_table("bucc", "md"),
        bucc_html=report(
            layout.report_table("bucc", "html"),
            caption="../report/table_bucc.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 7: BUCC F1 per language pair"},
        ),
        mewsli_x=layout.report_table("mewsli_x", "parquet"),
        mewsli_x_md=layout.report_table("mewsli_x", "md"),
        mewsli_x_html=report(
            layout.report_table("mewsli_x", "html"),
            caption="../report/table_mewsli_x.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 8: Mewsli-X mAP@20 per language"},
        ),
        mmarco=layout.report_table("mmarco", "parquet"),
        mmarco_md=layout.report_table("mmarco", "md"),
        mmarco_html=report(
            layout.report_table("mmarco", "html"),
            caption="../report/table_mmarco.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 9: mMARCO MRR@10 mono and against English"},
        ),
    log:
        layout.log("report/language_tables"),
    conda:
        "../../envs/report.yaml"
    params:
        benchmarks={name: RUNS.shown_in(name) for name in layout.LANGUAGE_TABLES},
        limited=RUNS.limited_benchmarks,
        train_languages=DATA.train_languages,
        evaluation=REPORT.evaluation_settings,
        seed=config["seed"],
        code=script_code("report_language_tables"),
    script:
        "../scripts/report_language_tables.py"


rule report_per_language:
    input:
        metrics=layout.ALL_STRATEGY_METRICS,
    output:
        table=layout.report_table("per_language", "parquet"),
        markdown=layout.report_table("per_language", "md"),
        html=report(
            layout.report_table("per_language", "html"),
            caption="../report/table_per_language.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Table 5: results per language"},
        ),
    log:
        layout.log("report/per_language"),
    conda:
        "../../envs/report.yaml"
    params:
        benchmarks=RUNS.retrieval_benchmarks,
        train_languages=DATA.train_languages,
        evaluation=REPORT.evaluation_settings,
        seed=config["seed"],
        code=script_code("report_per_language"),
    script:
        "../scripts/report_per_language.py"


rule report_translation:
    input:
        mt_quality=[layout.MT_QUALITY] if DATA.quality_languages else [],
        ledgers=[
            layout.TRANSLATION_LEDGER.format(lang=lang)
            for lang in DATA.translated_languages
        ],
    output:
        mt_quality=layout.report_table("mt_quality", "parquet"),
        mt_quality_md=layout.report_table("mt_quality", "md"),
        mt_quality_html=report(
            layout.report_table("mt_quality", "html"),
            caption="../report/table_mt_quality.rst",
            category="1. Translation",
            labels={"table": "MT quality: BLEU and chrF++"},
        ),
        flags=layout.report_table("translation_flags", "parquet"),
        flags_md=layout.report_table("translation_flags", "md"),
        flags_html=report(
            layout.report_table("translation_flags", "html"),
            caption="../report/table_translation_flags.rst",
            category="1. Translation",
            labels={"table": "Translation flags per language"},
        ),
    log:
        layout.log("report/translation"),
    conda:
        "../../envs/report.yaml"
    params:
        benchmark=DATA.quality_benchmark,
        seed=config["seed"],
        code=script_code("report_translation"),
    script:
        "../scripts/report_translation.py"


rule report_corpus:
    input:
        corpus=[layout.CORPUS_LEDGER.format(dataset=d) for d in DATA.corpus_datasets],
        fetch=[layout.FETCH_LEDGER.format(dataset=d) for d in DATA.qa_datasets],
    output:
        table=layout.report_table("corpus_ledger", "parquet"),
        markdown=layout.report_table("corpus_ledger", "md"),
        html=report(
            layout.report_table("corpus_ledger", "html"),
            caption="../report/table_corpus_ledger.rst",
            category="2. Corpus",
            labels={"table": "Corpus ledger summary"},
        ),
    log:
        layout.log("report/corpus"),
    conda:
        "../../envs/report.yaml"
    params:
        seed=config["seed"],
        code=script_code("report_corpus"),
    script:
        "../scripts/report_corpus.py"


rule report_checks:
    input:
        translations=[
            layout.TRANSLATIONS.format(lang=lang) for lang in DATA.translated_languages
        ],
        lengths=OUTPUTS.evaluated(layout.TEXT_LENGTHS),
        ledgers=[
            layout.BENCHMARK_LEDGER.format(benchmark=name) for name in DATA.benchmarks
        ],
    output:
        truncation=layout.report_table("truncation", "parquet"),
        truncation_md=layout.report_table("truncation", "md"),
        truncation_html=report(
            layout.report_table("truncation", "html"),
            caption="../report/table_truncation.rst",
            category="6. Data checks and warnings",
            labels={"table": "Texts cut for length"},
        ),
        benchmark_ledger=layout.report_table("benchmark_ledger", "parquet"),
        benchmark_ledger_md=layout.report_table("benchmark_ledger", "md"),
        benchmark_ledger_html=report(
            layout.report_table("benchmark_ledger", "html"),
            caption="../report/table_benchmark_ledger.rst",
            category="6. Data checks and warnings",
            labels={"table": "Benchmark ledger"},
        ),
    log:
        layout.log("report/checks"),
    conda:
        "../../envs/report.yaml"
    params:
        languages=DATA.translated_languages,
        evaluations=[(run.encoder, run.name, name) for run, name in RUNS.evaluations()],
        max_input_tokens=TRANSLATION["max_input_tokens"],
        code=script_code("report_checks"),
    script:
        "../scripts/report_checks.py"


rule report_warnings:
    input:
        OUTPUTS.logged(),
    output:
        table=layout.report_table("warnings", "parquet"),
        markdown=layout.report_table("warnings", "md"),
        html=report(
            layout.report_table("warnings", "html"),
            caption="../report/table_warnings.rst",
            category="6. Data checks and warnings",
            labels={"table": "Warnings logged by the jobs"},
        ),
    log:
        layout.log("report/warnings"),
    conda:
        "../../envs/report.yaml"
    params:
        logs=layout.LOGS,
        excluded=[layout.log("report/summary")],
        code=script_code("report_warnings"),
    script:
        "../scripts/report_warnings.py"


rule report_usage:
    input:
        OUTPUTS.usage(),
    output:
        table=layout.report_table("usage", "parquet"),
        markdown=layout.report_table("usage", "md"),
        html=report(
            layout.report_table("usage", "html"),
            caption="../report/table_usage.rst",
            category="5. Resources",
            labels={"table": "Time and memory of the heavy jobs"},
        ),
    log:
        layout.log("report/usage"),
    conda:
        "../../envs/report.yaml"
    params:
        code=script_code("report_usage"),
    script:
        "../scripts/report_usage.py"


rule report_map_heatmaps:
    input:
        metrics=layout.ALL_STRATEGY_METRICS,
    output:
        heatmap=report(
            layout.figure("map_heatmap", "{encoder}-{benchmark}", "png"),
            caption="../report/figure_map_heatmap.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "mAP heatmaps", "encoder": "{encoder}"},
        ),
        heatmap_pdf=layout.figure("map_heatmap", "{encoder}-{benchmark}", "pdf"),
        difference=report(
            layout.figure("map_difference", "{encoder}-{benchmark}", "png"),
            caption="../report/figure_map_difference.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "mAP difference heatmaps", "encoder": "{encoder}"},
        ),
        difference_pdf=layout.figure("map_difference", "{encoder}-{benchmark}", "pdf"),
    log:
        layout.log("report/map_heatmaps/{encoder}-{benchmark}"),
    conda:
        "../../envs/report.yaml"
    params:
        train_languages=DATA.train_languages,
        seeds=RUNS.seeds,
        code=script_code("report_map_heatmaps"),
    script:
        "../scripts/report_map_heatmaps.py"


rule report_alpha_sweep:
    input:
        map=layout.report_table("map", "parquet"),
    output:
        png=report(
            layout.figure("alpha_sweep", "{encoder}", "png"),
            caption="../report/figure_alpha_sweep.rst",
            category="4. Evaluation",
            subcategory="α sweep",
            labels={"figure": "mAP against α", "encoder": "{encoder}"},
        ),
        pdf=layout.figure("alpha_sweep", "{encoder}", "pdf"),
    log:
        layout.log("report/alpha_sweep/{encoder}"),
    conda:
        "../../envs/report.yaml"
    params:
        code=script_code("report_alpha_sweep"),
    script:
        "../scripts/report_alpha_sweep.py"


rule report_rank_distance_figure:
    input:
        lambda w: [r["path"] for r in per_query_records(w.encoder, w.benchmark)],
    output:
        png=report(
            layout.figure("rank_distance", "{encoder}-{benchmark}", "png"),
            caption="../report/figure_rank_distance.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "rank-distance distributions", "encoder": "{encoder}"},
        ),
        pdf=layout.figure("rank_distance", "{encoder}-{benchmark}", "pdf"),
    log:
        layout.log("report/rank_distance/{encoder}-{benchmark}"),
    conda:
        "../../envs/report.yaml"
    params:
        runs=lambda w: [r["run"] for r in per_query_records(w.encoder, w.benchmark)],
        code=script_code("report_rank_distance"),
    script:
        "../scripts/report_rank_distance.py"


rule report_per_language_figure:
    input:
        lambda w: layout.report_table(RUNS.benchmark_format(w.benchmark).language_table),
    output:
        png=report(
            layout.figure("per_language", "{encoder}-{benchmark}", "png"),
            caption="../report/figure_per_language.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "results per language", "encoder": "{encoder}"},
        ),
        pdf=layout.figure("per_language", "{encoder}-{benchmark}", "pdf"),
    log:
        layout.log("report/per_language/{encoder}-{benchmark}"),
    conda:
        "../../envs/report.yaml"
    params:
        schema=lambda w: layout.report_schema(
            RUNS.benchmark_format(w.benchmark).language_table
        ),
        measures=lambda w: RUNS.benchmark_format(w.benchmark).per_language,
        train_languages=DATA.train_languages,
        code=script_code("report_per_language_figure"),
    script:
        "../scripts/report_per_language_figure.py"


rule report_training_loss:
    input:
        [r["path"] for r in training_log_records()],
    output:
        png=report(
            layout.figure("training_loss", "training_loss"),
            caption="../report/figure_training_loss.rst",
            category="3. Training",
            labels={"figure": "loss curves"},
        ),
        pdf=layout.figure("training_loss", "training_loss", "pdf"),
    log:
        layout.log("report/training_loss"),
    conda:
        "../../envs/report.yaml"
    params:
        runs=[(r["encoder"], r["run"]) for r in training_log_records()],
        code=script_code("report_training_loss"),
    script:
        "../scripts/report_training_loss.py"


rule report_training_mix:
    input:
        [r["path"] for r in training_log_records()],
    output:
        table=layout.report_table("training_mix", "parquet"),
        markdown=layout.report_table("training_mix", "md"),
        html=report(
            layout.report_table("training_mix", "html"),
            caption="../report/table_training_mix.rst",
            category="3. Training",
            labels={"table": "Training mix per strategy"},
        ),
    log:
        layout.log("report/training_mix"),
    conda:
        "../../envs/report.yaml"
    params:
        runs=[(r["encoder"], r["run"]) for r in training_log_records()],
        code=script_code("report_training_mix"),
    script:
        "../scripts/report_training_mix.py"


rule report_study:
    input:
        significance=layout.ALL_SIGNIFICANCE,
        groups=OUTPUTS.per_benchmark(layout.LANGUAGE_GROUP_TESTS),
    output:
        table=layout.report_table(layout.STUDY_TABLE, "parquet"),
        markdown=layout.report_table(layout.STUDY_TABLE, "md"),
        html=report(
            layout.report_table(layout.STUDY_TABLE, "html"),
            caption="../report/table_study.rst",
            category="0. Summary",
            labels={"document": "the study's answer"},
        ),
    log:
        layout.log("report/study"),
    conda:
        "../../envs/report.yaml"
    params:
        study=REPORT.study(),
        seed=config["seed"],
        code=script_code("report_study"),
    script:
        "../scripts/report_study.py"


rule report_summary:
    input:
        tables=[layout.report_table(name) for name in REPORT.tables()],
        significance=layout.ALL_SIGNIFICANCE,
        logs=[r["path"] for r in training_log_records()],
        figures=REPORT.figures(),
    output:
        markdown=layout.SUMMARY,
        html=report(
            layout.SUMMARY_HTML,
            caption="../report/summary.rst",
            category="0. Summary",
            labels={"document": "results summary"},
        ),
    log:
        layout.log("report/summary"),
    conda:
        "../../envs/report.yaml"
    params:
        config=REPORT.summary(),
        evaluation=REPORT.evaluation_settings,
        names=REPORT.tables(),
        runs=[(r["encoder"], r["run"]) for r in training_log_records()],
        code=script_code("report_summary"),
    script:
        "../scripts/report_summary.py"


# --- results by language resources (hybridir.resources) ---------------------------------------


rule report_language_groups:
    input:
        groups=OUTPUTS.per_benchmark(layout.LANGUAGE_GROUPS),
        significance=OUTPUTS.per_benchmark(layout.LANGUAGE_GROUP_TESTS),
    output:
        table=layout.report_table("language_groups", "parquet"),
        markdown=layout.report_table("language_groups", "md"),
        html=report(
            layout.report_table("language_groups", "html"),
            caption="../report/table_language_groups.rst",
            category="4. Evaluation",
            subcategory="Tables",
            labels={"table": "Results by language resources"},
        ),
    log:
        layout.log("report/language_groups"),
    conda:
        "../../envs/report.yaml"
    params:
        benchmarks=RUNS.benchmarks,
        resources=REPORT.language_resources(),
        evaluation=REPORT.evaluation_settings,
        seed=config["seed"],
        code=script_code("report_language_groups"),
    script:
        "../scripts/report_language_groups.py"


rule report_resources_figure:
    input:
        layout.LANGUAGE_GROUPS,
    output:
        png=report(
            layout.figure("resources", "{encoder}-{benchmark}", "png"),
            caption="../report/figure_resources.rst",
            category="4. Evaluation",
            subcategory="{benchmark}",
            labels={"figure": "results against CC-100 size", "encoder": "{encoder}"},
        ),
        pdf=layout.figure("resources", "{encoder}-{benchmark}", "pdf"),
    log:
        layout.log("report/resources/{encoder}-{benchmark}"),
    conda:
        "../../envs/report.yaml"
    params:
        measure=lambda w: RUNS.benchmark_format(w.benchmark).per_language[0],
        resources=REPORT.language_resources(),
        code=script_code("report_resources_figure"),
    script:
        "../scripts/report_resources_figure.py"
