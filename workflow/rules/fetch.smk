rule fetch_qa:
    input:
        lambda w: DATA.source_files(DATA.qa_section(w.dataset), w.dataset),
    output:
        qa=layout.QA,
        ledger=layout.FETCH_LEDGER,
    log:
        layout.log("fetch/qa/{dataset}"),
    conda:
        "../../envs/data.yaml"
    threads: 4
    params:
        spec=lambda w: DATA.source_entry(DATA.qa_section(w.dataset), w.dataset),
        lang=DATA.source_language,
        # hard negatives mined per pair (0: given or none)
        negatives=lambda w: DATA.negatives_to_mine(w.dataset),
        seed=config["seed"],
        network=config["network"],
        code=script_code("fetch_qa"),
    script:
        "../scripts/fetch_qa.py"


rule fetch_parallel:
    input:
        lambda w: DATA.source_files("parallel_datasets", w.dataset),
    output:
        layout.PARALLEL_SOURCE,
    log:
        layout.log("fetch/parallel/{dataset}"),
    conda:
        "../../envs/data.yaml"
    threads: 4
    params:
        spec=lambda w: DATA.source_entry("parallel_datasets", w.dataset),
        lang=DATA.source_language,
        negatives=lambda w: DATA.negatives_to_mine(w.dataset),
        seed=config["seed"],
        network=config["network"],
        code=script_code("fetch_parallel"),
    script:
        "../scripts/fetch_parallel.py"


rule fetch_benchmark:
    input:
        lambda w: DATA.source_files("benchmarks", w.benchmark),
    output:
        candidates=layout.benchmark_table("candidates"),
        queries=layout.benchmark_table("queries"),
        qrels=layout.benchmark_table("qrels"),
        ledger=layout.BENCHMARK_LEDGER,
    log:
        layout.log("fetch/benchmarks/{benchmark}"),
    conda:
        "../../envs/data.yaml"
    params:
        spec=lambda w: DATA.source_entry("benchmarks", w.benchmark),
        seed=config["seed"],
        network=config["network"],
        code=script_code("fetch_benchmark"),
    script:
        "../scripts/fetch_benchmark.py"


rule fetch_mined:
    input:
        lambda w: DATA.source_files("mined_datasets", w.dataset),
    output:
        layout.MINED,
    log:
        layout.log("fetch/mined/{dataset}"),
    conda:
        "../../envs/data.yaml"
    threads: 8
    params:
        spec=lambda w: DATA.entry("mined_datasets", w.dataset),
        network=config["network"],
        code=script_code("fetch_mined"),
    script:
        "../scripts/fetch_mined.py"
