ENCODE_CODE = code_fingerprint("evaluate/encode", "tables")
RANK_CODE = code_fingerprint("evaluate/search", "tables")
SCORE_CODE = code_fingerprint(
    "evaluate/metrics",
    "evaluate/cells",
    "evaluate/bootstrap",
    "evaluate/aggregate",
    "evaluate/seeds",
    "evaluate/significance",
    "plan",
    "tables",
)
EVALUATED = f"{RESULTS}/evaluate/{{encoder}}/{{run}}/{{benchmark}}"


rule encode:
    input:
        unpack(benchmark_tables),
        model=evaluated_model_inputs,
    output:
        queries=f"{EVALUATED}/embeddings/queries.npy",
        candidates=f"{EVALUATED}/embeddings/candidates.npy",
    log:
        f"{RESULTS}/logs/evaluate/{{encoder}}/{{run}}/{{benchmark}}/encode.log",
    conda:
        "../../envs/train.yaml"
    threads: 4
    params:
        model=encoder_path,
        format=lambda w: benchmark_format(w.benchmark),
        options={
            key: EVALUATION[key]
            for key in ("batch_size", "candidate_context", "max_length")
        },
        code=ENCODE_CODE,
    script:
        "../scripts/encode.py"


rule rank:
    input:
        unpack(benchmark_tables),
        query_vectors=rules.encode.output.queries,
        candidate_vectors=rules.encode.output.candidates,
    output:
        f"{EVALUATED}/rankings.parquet",
    log:
        f"{RESULTS}/logs/evaluate/{{encoder}}/{{run}}/{{benchmark}}/rank.log",
    conda:
        "../../envs/train.yaml"
    threads: 4
    params:
        settings=lambda w: benchmark_settings(w.benchmark),
        seed=config["seed"],
        code=RANK_CODE,
    script:
        "../scripts/rank.py"


rule score:
    input:
        rules.rank.output,
    output:
        per_query=f"{EVALUATED}/per_query.parquet",
        metrics=f"{EVALUATED}/metrics.parquet",
    log:
        f"{RESULTS}/logs/evaluate/{{encoder}}/{{run}}/{{benchmark}}/score.log",
    conda:
        "../../envs/eval.yaml"
    params:
        identity=lambda w: run_identity(w.encoder, w.run) | {"benchmark": w.benchmark},
        resamples=EVALUATION["resamples"],
        seed=config["seed"],
        code=SCORE_CODE,
    script:
        "../scripts/score.py"


rule significance:
    input:
        run_per_query_tables,
    output:
        significance=f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/significance.parquet",
        strategy_metrics=f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/strategy_metrics.parquet",
    log:
        f"{RESULTS}/logs/evaluate/{{encoder}}/{{benchmark}}/significance.log",
    conda:
        "../../envs/eval.yaml"
    params:
        runs=evaluation_runs(),
        resamples=EVALUATION["resamples"],
        seed=config["seed"],
        code=SCORE_CODE,
    script:
        "../scripts/significance.py"


rule gather_metrics:
    input:
        evaluated_outputs("metrics"),
    output:
        f"{RESULTS}/evaluate/metrics.parquet",
    log:
        f"{RESULTS}/logs/evaluate/gather_metrics.log",
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=code_fingerprint("tables"),
    script:
        "../scripts/concat_tables.py"


rule gather_significance:
    input:
        significance_tables(),
    output:
        f"{RESULTS}/evaluate/significance.parquet",
    log:
        f"{RESULTS}/logs/evaluate/gather_significance.log",
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=code_fingerprint("tables"),
    script:
        "../scripts/concat_tables.py"


rule gather_strategy_metrics:
    input:
        expand(
            f"{RESULTS}/evaluate/{{encoder}}/{{benchmark}}/strategy_metrics.parquet",
            encoder=encoder_names(),
            benchmark=benchmark_names(),
        ),
    output:
        f"{RESULTS}/evaluate/strategy_metrics.parquet",
    log:
        f"{RESULTS}/logs/evaluate/gather_strategy_metrics.log",
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=code_fingerprint("tables"),
    script:
        "../scripts/concat_tables.py"
