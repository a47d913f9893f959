CORPUS_CODE = code_fingerprint("corpus", "tables")


rule corpus:
    input:
        unpack(corpus_inputs),
    output:
        parallel=f"{RESULTS}/corpus/parallel/{{dataset}}.parquet",
        ledger=f"{RESULTS}/corpus/ledger/{{dataset}}.parquet",
    log:
        f"{RESULTS}/logs/corpus/{{dataset}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        source=config["languages"]["source"],
        corpus=canonical(config["corpus"]),
        seed=config["seed"],
        code=CORPUS_CODE,
    script:
        "../scripts/corpus.py"
