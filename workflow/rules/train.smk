from hybridir.devices import stage_device

TRAIN_CODE = code_fingerprint("train", "encoders", "devices", "plan", "text", "tables")
VALIDATION = f"{RESULTS}/train/validation.parquet"


rule validation_set:
    input:
        expand(
            f"{RESULTS}/fetch/qa/{{dataset}}.parquet",
            dataset=validation_dataset_names(),
        ),
    output:
        VALIDATION,
    log:
        f"{RESULTS}/logs/train/validation_set.log",
    conda:
        "../../envs/train.yaml"
    params:
        batch_size=TRAINING["batch_size"],
        seed=config["seed"],
        code=code_fingerprint("train/validation", "text", "tables"),
    script:
        "../scripts/validation_set.py"


rule train:
    input:
        corpus=corpus_tables(),
        validation=[VALIDATION] if validation_dataset_names() else [],
        model=lambda w: local_model_inputs(encoder_model(w.encoder)),
    output:
        model=directory(f"{RESULTS}/train/{{encoder}}/{{run}}/model"),
        log=f"{RESULTS}/train/{{encoder}}/{{run}}/log.parquet",
    log:
        f"{RESULTS}/logs/train/{{encoder}}/{{run}}.log",
    conda:
        "../../envs/train.yaml"
    threads: max(2, TRAINING["processes"])
    params:
        model=encoder_path,
        encoder=lambda w: entry_of(TRAINING["encoders"], w.encoder),
        options=lambda w: training_options(w.run),
        languages=config["languages"]["train"],
        device=stage_device(config, "training"),
        processes=TRAINING["processes"],
        run_dir=lambda w, output: str(Path(output.log).parent),
        code=TRAIN_CODE,
    script:
        "../scripts/train.py"
