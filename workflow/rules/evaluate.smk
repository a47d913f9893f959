EVALUATION = config["evaluation"]
EVALUATION_DEVICE = stage_device(config, "evaluation")
# ranked benchmarks go through rank and score, mined ones (BUCC) through mine
RANKED = names_pattern([b for b in RUNS.benchmarks if b not in RUNS.mined_benchmarks])
MINED = names_pattern(RUNS.mined_benchmarks)


rule encode:
    input:
        unpack(benchmark_tables),
        model=evaluated_model,
    output:
        queries=directory(layout.QUERY_VECTORS),
        candidates=directory(layout.CANDIDATE_VECTORS),
        lengths=layout.TEXT_LENGTHS,
    log:
        layout.log(layout.ENCODE_JOB),
    benchmark:
        layout.usage(layout.ENCODE_JOB)
    conda:
        "../../envs/train.yaml"
    threads: 4
    params:
        model=encoder_param,
        encoder=lambda w: RUNS.entry("encoders", w.encoder),
        format=lambda w: RUNS.benchmark_format(w.benchmark).name,
        options=RUNS.encoding_settings,
        device=EVALUATION_DEVICE,
        code=script_code("encode"),
    script:
        "../scripts/encode.py"


rule rank:
    input:
        unpack(benchmark_tables),
        query_vectors=rules.encode.output.queries,
        candidate_vectors=rules.encode.output.candidates,
    output:
        layout.RANKINGS,
    log:
        layout.log(layout.RANK_JOB),
    benchmark:
        layout.usage(layout.RANK_JOB)
    wildcard_constraints:
        benchmark=RANKED,
    conda:
        "../../envs/train.yaml"
    threads: 4
    params:
        settings=lambda w: list(RUNS.benchmark_settings(w.benchmark)),
        depth=lambda w: RUNS.benchmark_depth(w.benchmark),
        device=EVALUATION_DEVICE,
        seed=config["seed"],
        code=script_code("rank"),
    script:
        "../scripts/rank.py"


rule score:
    input:
        rules.rank.output,
    output:
        per_query=layout.PER_QUERY,
        metrics=layout.RUN_METRICS,
    log:
        layout.log("evaluate/{encoder}/{run}/{benchmark}/score"),
    wildcard_constraints:
        benchmark=RANKED,
    conda:
        "../../envs/eval.yaml"
    params:
        identity=lambda w: run_of(w).identity() | {"benchmark": w.benchmark},
        resamples=EVALUATION["resamples"],
        seed=config["seed"],
        code=script_code("score"),
    script:
        "../scripts/score.py"


rule mine:
    input:
        unpack(benchmark_tables),
        candidate_vectors=rules.encode.output.candidates,
    output:
        per_query=layout.PER_QUERY,
        metrics=layout.RUN_METRICS,
        mining=layout.MINING,
    log:
        layout.log(layout.MINE_JOB),
    benchmark:
        layout.usage(layout.MINE_JOB)
    wildcard_constraints:
        benchmark=MINED,
    conda:
        "../../envs/train.yaml"
    threads: 4
    params:
        identity=lambda w: run_of(w).identity() | {"benchmark": w.benchmark},
        resamples=EVALUATION["resamples"],
        device=EVALUATION_DEVICE,
        seed=config["seed"],
        code=script_code("mine"),
    script:
        "../scripts/mine.py"


rule significance:
    input:
        lambda w: OUTPUTS.evaluated(layout.PER_QUERY, w.encoder, [w.benchmark]),
    output:
        significance=layout.SIGNIFICANCE,
        strategy_metrics=layout.STRATEGY_METRICS,
    log:
        layout.log("evaluate/{encoder}/{benchmark}/significance"),
    conda:
        "../../envs/eval.yaml"
    params:
        runs=lambda w: [run.name for run in RUNS.evaluation_runs(w.encoder)],
        resamples=EVALUATION["resamples"],
        seed=config["seed"],
        code=script_code("significance"),
    script:
        "../scripts/significance.py"


rule gather_metrics:
    input:
        OUTPUTS.evaluated(layout.RUN_METRICS),
    output:
        layout.METRICS,
    log:
        layout.log("evaluate/gather_metrics"),
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=script_code("concat_tables"),
    script:
        "../scripts/concat_tables.py"


rule gather_significance:
    input:
        OUTPUTS.per_benchmark(layout.SIGNIFICANCE),
    output:
        layout.ALL_SIGNIFICANCE,
    log:
        layout.log("evaluate/gather_significance"),
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=script_code("concat_tables"),
    script:
        "../scripts/concat_tables.py"


rule gather_strategy_metrics:
    input:
        OUTPUTS.per_benchmark(layout.STRATEGY_METRICS),
    output:
        layout.ALL_STRATEGY_METRICS,
    log:
        layout.log("evaluate/gather_strategy_metrics"),
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=script_code("concat_tables"),
    script:
        "../scripts/concat_tables.py"


rule gather_mining:
    input:
        [
            layout.MINING.format(encoder=run.encoder, run=run.name, benchmark=name)
            for run, name in RUNS.evaluations(benchmarks=RUNS.mined_benchmarks)
        ],
    output:
        layout.ALL_MINING,
    log:
        layout.log("evaluate/gather_mining"),
    conda:
        "../../envs/eval.yaml"
    params:
        seed=config["seed"],
        code=script_code("concat_tables"),
    script:
        "../scripts/concat_tables.py"
