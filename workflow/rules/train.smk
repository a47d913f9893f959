TRAIN_CODE = code_fingerprint("train", "tables")


rule train:
    input:
        corpus=corpus_tables(),
        validation=expand(
            f"{RESULTS}/fetch/qa/{{dataset}}.parquet",
            dataset=validation_dataset_names(),
        ),
        model=lambda w: local_model_inputs(encoder_model(w.encoder)),
    output:
        model=directory(f"{RESULTS}/train/{{encoder}}/{{run}}/model"),
        log=f"{RESULTS}/train/{{encoder}}/{{run}}/log.parquet",
    log:
        f"{RESULTS}/logs/train/{{encoder}}/{{run}}.log",
    conda:
        "../../envs/train.yaml"
    threads: max(2, TRAINING["processes"])
    resources:
        gpu=TRAINING["processes"],
    params:
        model=encoder_path,
        options=lambda w: training_options(w.run),
        languages=config["languages"]["train"],
        processes=TRAINING["processes"],
        run_dir=lambda w, output: str(Path(output.log).parent),
        code=TRAIN_CODE,
    script:
        "../scripts/train.py"
