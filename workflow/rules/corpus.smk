rule corpus:
    input:
        unpack(corpus_inputs),
    output:
        parallel=layout.CORPUS,
        ledger=layout.CORPUS_LEDGER,
    log:
        layout.log("corpus/{dataset}"),
    conda:
        "../../envs/data.yaml"
    params:
        source=DATA.source_language,
        corpus=canonical(config["corpus"]),
        # hard negatives per pair that training reads
        negatives=config["training"]["hard_negatives"],
        seed=config["seed"],
        code=script_code("corpus"),
    script:
        "../scripts/corpus.py"
