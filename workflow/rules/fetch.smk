FETCH_CODE = code_fingerprint("fetch", "sources", "sentences", "tables", "text")


rule fetch_qa:
    input:
        lambda w: source_inputs(qa_section(w.dataset), w.dataset),
    output:
        f"{RESULTS}/fetch/qa/{{dataset}}.parquet",
    log:
        f"{RESULTS}/logs/fetch/qa/{{dataset}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        spec=lambda w: entry(qa_section(w.dataset), w.dataset),
        lang=config["languages"]["source"],
        seed=config["seed"],
        code=FETCH_CODE,
    script:
        "../scripts/fetch_qa.py"


rule fetch_parallel:
    input:
        lambda w: source_inputs("parallel_datasets", w.dataset),
    output:
        f"{RESULTS}/fetch/parallel/{{dataset}}.parquet",
    log:
        f"{RESULTS}/logs/fetch/parallel/{{dataset}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        spec=lambda w: entry("parallel_datasets", w.dataset),
        seed=config["seed"],
        code=FETCH_CODE,
    script:
        "../scripts/fetch_parallel.py"


rule fetch_benchmark:
    input:
        lambda w: source_inputs("benchmarks", w.benchmark),
    output:
        candidates=f"{RESULTS}/fetch/benchmarks/{{benchmark}}/candidates.parquet",
        queries=f"{RESULTS}/fetch/benchmarks/{{benchmark}}/queries.parquet",
        qrels=f"{RESULTS}/fetch/benchmarks/{{benchmark}}/qrels.parquet",
    log:
        f"{RESULTS}/logs/fetch/benchmarks/{{benchmark}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        spec=lambda w: entry("benchmarks", w.benchmark),
        seed=config["seed"],
        code=FETCH_CODE,
    script:
        "../scripts/fetch_benchmark.py"


rule fetch_mined:
    input:
        lambda w: source_inputs("mined_datasets", w.dataset),
    output:
        f"{RESULTS}/fetch/mined/{{dataset}}.jsonl",
    log:
        f"{RESULTS}/logs/fetch/mined/{{dataset}}.log",
    conda:
        "../../envs/data.yaml"
    threads: 8
    params:
        spec=lambda w: entry("mined_datasets", w.dataset),
        code=FETCH_CODE,
    script:
        "../scripts/fetch_mined.py"
