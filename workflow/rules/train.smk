rule validation_set:
    input:
        [layout.QA.format(dataset=d) for d in DATA.validation_datasets],
    output:
        layout.VALIDATION,
    log:
        layout.log("train/validation_set"),
    conda:
        "../../envs/train.yaml"
    params:
        batch_size=config["training"]["batch_size"],
        seed=config["seed"],
        code=script_code("validation_set"),
    script:
        "../scripts/validation_set.py"


rule train:
    input:
        corpus=lambda w: DATA.training_corpus(run_of(w).mixture),
        validation=[layout.VALIDATION] if DATA.validation_datasets else [],
        model=lambda w: local_model(RUNS.encoder_model(w.encoder)),
    output:
        model=directory(layout.MODEL),
        log=layout.TRAINING_LOG,
    log:
        layout.log(layout.TRAIN_JOB),
    benchmark:
        layout.usage(layout.TRAIN_JOB)
    conda:
        "../../envs/train.yaml"
    threads: max(2, config["training"]["processes"])
    resources:
        gpu=config["training"]["processes"],
    params:
        model=encoder_param,
        encoder=lambda w: RUNS.entry("encoders", w.encoder),
        options=lambda w: RUNS.training_settings(run_of(w)),
        languages=DATA.train_languages,
        device=stage_device(config, "training"),
        processes=config["training"]["processes"],
        run_dir=lambda w, output: str(Path(output.log).parent),
        code=script_code("train"),
    script:
        "../scripts/train.py"
