from hybridir.devices import stage_device

TRANSLATE_CODE = code_fingerprint(
    "translate", "sentences", "tables", "languages", "text", "devices"
)
TRANSLATION = canonical(config["translation"])
TRANSLATION_DEVICE = stage_device(config, "translation")


rule convert_mt_model:
    input:
        local_model_inputs(TRANSLATION["model"]),
    output:
        directory(f"{RESULTS}/translate/ct2_model"),
    log:
        f"{RESULTS}/logs/translate/convert_mt_model.log",
    conda:
        "../../envs/mt.yaml"
    params:
        model=model_path(TRANSLATION["model"]),
        quantization=TRANSLATION["quantization"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/convert_mt_model.py"


rule translation_texts:
    input:
        qa=lambda w: qa_tables_through(w.dataset),
    output:
        f"{RESULTS}/translate/texts/{{dataset}}.parquet",
    log:
        f"{RESULTS}/logs/translate/texts/{{dataset}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        lang=config["languages"]["source"],
        # hard negatives per pair that training reads (a count; true is one)
        negatives=int(config["training"]["hard_negatives"]),
        seed=config["seed"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/translation_texts.py"


rule translate_shard:
    input:
        texts=f"{RESULTS}/translate/texts/{{dataset}}.parquet",
        model=f"{RESULTS}/translate/ct2_model",
    output:
        f"{RESULTS}/translate/shards/{{dataset}}/{{lang}}/{{shard}}.parquet",
    log:
        f"{RESULTS}/logs/translate/shards/{{dataset}}/{{lang}}/{{shard}}.log",
    conda:
        "../../envs/mt.yaml"
    threads: TRANSLATION["threads"]
    params:
        shards=lambda w: shard_count(w.dataset),
        source=config["languages"]["source"],
        translation=TRANSLATION,
        device=TRANSLATION_DEVICE,
        seed=config["seed"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/translate_shard.py"


rule gather_translations:
    input:
        translation_shards,
    output:
        translations=f"{RESULTS}/translate/translations/{{lang}}.parquet",
        ledger=f"{RESULTS}/translate/ledger/{{lang}}.parquet",
    log:
        f"{RESULTS}/logs/translate/gather/{{lang}}.log",
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/gather_translations.py"


rule mt_quality_language:
    input:
        model=f"{RESULTS}/translate/ct2_model",
        queries=f"{RESULTS}/fetch/benchmarks/{TRANSLATION['quality']['benchmark']}/queries.parquet",
        candidates=f"{RESULTS}/fetch/benchmarks/{TRANSLATION['quality']['benchmark']}/candidates.parquet",
    output:
        f"{RESULTS}/translate/quality/{{lang}}.parquet",
    log:
        f"{RESULTS}/logs/translate/quality/{{lang}}.log",
    conda:
        "../../envs/mt.yaml"
    threads: TRANSLATION["threads"]
    params:
        source=config["languages"]["source"],
        translation=TRANSLATION,
        device=TRANSLATION_DEVICE,
        seed=config["seed"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/mt_quality_language.py"


rule mt_quality:
    input:
        expand(
            f"{RESULTS}/translate/quality/{{lang}}.parquet", lang=quality_languages()
        ),
    output:
        f"{RESULTS}/translate/mt_quality.parquet",
    log:
        f"{RESULTS}/logs/translate/mt_quality.log",
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=TRANSLATE_CODE,
    script:
        "../scripts/concat_tables.py"
