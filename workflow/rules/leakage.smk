LEAKAGE = canonical(config["leakage"])


rule leakage_index:
    input:
        queries=[
            layout.benchmark_table("queries").format(benchmark=b)
            for b in DATA.benchmarks
        ],
        candidates=[
            layout.benchmark_table("candidates").format(benchmark=b)
            for b in DATA.benchmarks
        ],
        qrels=[
            layout.benchmark_table("qrels").format(benchmark=b)
            for b in DATA.benchmarks
        ],
    output:
        layout.LEAKAGE_INDEX,
    log:
        layout.log("leakage/index"),
    conda:
        "../../envs/leakage.yaml"
    params:
        benchmarks=DATA.benchmarks,
        leakage=LEAKAGE,
        seed=config["seed"],
        code=script_code("leakage_index"),
    script:
        "../scripts/leakage_index.py"


rule leakage_audit:
    input:
        corpus=layout.CORPUS,
        index=layout.LEAKAGE_INDEX,
    output:
        layout.LEAKAGE_HITS,
    log:
        layout.log("leakage/audit/{dataset}"),
    conda:
        "../../envs/leakage.yaml"
    params:
        leakage=LEAKAGE,
        seed=config["seed"],
        code=script_code("leakage_audit"),
    script:
        "../scripts/leakage_audit.py"


rule leakage_exclude:
    input:
        corpus=layout.CORPUS,
        hits=layout.LEAKAGE_HITS,
    output:
        parallel=layout.LEAKAGE_CORPUS,
        ledger=layout.LEAKAGE_LEDGER,
    log:
        layout.log("leakage/exclude/{dataset}"),
    conda:
        "../../envs/leakage.yaml"
    params:
        seed=config["seed"],
        code=script_code("leakage_exclude"),
    script:
        "../scripts/leakage_exclude.py"


rule report_leakage:
    input:
        hits=[layout.LEAKAGE_HITS.format(dataset=d) for d in DATA.corpus_datasets],
        ledgers=[layout.CORPUS_LEDGER.format(dataset=d) for d in DATA.corpus_datasets],
        exclusions=[
            layout.LEAKAGE_LEDGER.format(dataset=d)
            for d in DATA.corpus_datasets
            if DATA.exclude_leaked
        ],
    output:
        table=layout.report_table("leakage", "parquet"),
        markdown=layout.report_table("leakage", "md"),
        html=report(
            layout.report_table("leakage", "html"),
            caption="../report/table_leakage.rst",
            category="2. Corpus",
            labels={"table": "Leakage audit"},
        ),
    log:
        layout.log("report/leakage"),
    conda:
        "../../envs/report.yaml"
    params:
        datasets=DATA.corpus_datasets,
        benchmarks=DATA.benchmarks,
        leakage=LEAKAGE,
        exclude_leaked=DATA.exclude_leaked,
        seed=config["seed"],
        code=script_code("report_leakage"),
    script:
        "../scripts/report_leakage.py"
