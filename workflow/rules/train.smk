rule train:
    input:
        corpus=PLAN.training_corpus(),
        validation=[layout.QA.format(dataset=d) for d in PLAN.validation_datasets],
        model=lambda w: local_model(PLAN.encoder_model(w.encoder)),
    output:
        model=directory(layout.MODEL),
        log=layout.TRAINING_LOG,
    log:
        layout.log("train/{encoder}/{run}"),
    conda:
        "../../envs/train.yaml"
    threads: max(2, config["training"]["processes"])
    params:
        model=encoder_param,
        options=lambda w: PLAN.training_settings(run_of(w)),
        languages=PLAN.train_languages,
        processes=config["training"]["processes"],
        run_dir=lambda w, output: str(Path(output.log).parent),
        code=script_code("train"),
    script:
        "../scripts/train.py"
