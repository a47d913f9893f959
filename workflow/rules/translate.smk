TRANSLATION = canonical(config["translation"])
QUALITY_BENCHMARK = TRANSLATION["quality"]["benchmark"]
TRANSLATION_DEVICE = stage_device(config, "translation")


rule convert_mt_model:
    input:
        model=local_model(TRANSLATION["model"]),
    output:
        directory(layout.CT2_MODEL),
    log:
        layout.log("translate/convert_mt_model"),
    conda:
        "../../envs/mt.yaml"
    params:
        model=model_param(TRANSLATION["model"]),
        quantization=TRANSLATION["quantization"],
        code=script_code("convert_mt_model"),
    script:
        "../scripts/convert_mt_model.py"


rule translation_texts:
    input:
        qa=lambda w: DATA.qa_tables_through(w.dataset),
    output:
        layout.TEXTS,
    log:
        layout.log("translate/texts/{dataset}"),
    conda:
        "../../envs/data.yaml"
    params:
        lang=DATA.source_language,
        # hard negatives per pair that training reads
        negatives=config["training"]["hard_negatives"],
        seed=config["seed"],
        code=script_code("translation_texts"),
    script:
        "../scripts/translation_texts.py"


rule translate_shard:
    input:
        texts=layout.TEXTS,
        model=layout.CT2_MODEL,
    output:
        layout.TRANSLATION_SHARD,
    log:
        layout.log(layout.TRANSLATE_JOB),
    benchmark:
        layout.usage(layout.TRANSLATE_JOB)
    conda:
        "../../envs/mt.yaml"
    threads: TRANSLATION["threads"]
    params:
        shards=lambda w: DATA.shards(w.dataset),
        source=DATA.source_language,
        translation=TRANSLATION,
        device=TRANSLATION_DEVICE,
        seed=config["seed"],
        code=script_code("translate_shard"),
    script:
        "../scripts/translate_shard.py"


rule gather_translations:
    input:
        lambda w: DATA.translation_shards(w.lang),
    output:
        translations=layout.TRANSLATIONS,
        ledger=layout.TRANSLATION_LEDGER,
    log:
        layout.log("translate/gather/{lang}"),
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=script_code("gather_translations"),
    script:
        "../scripts/gather_translations.py"


rule mt_quality_language:
    input:
        model=layout.CT2_MODEL,
        queries=layout.benchmark_table("queries").format(benchmark=QUALITY_BENCHMARK),
        candidates=layout.benchmark_table("candidates").format(
            benchmark=QUALITY_BENCHMARK
        ),
    output:
        layout.MT_QUALITY_LANGUAGE,
    log:
        layout.log("translate/quality/{lang}"),
    conda:
        "../../envs/mt.yaml"
    threads: TRANSLATION["threads"]
    params:
        source=DATA.source_language,
        translation=TRANSLATION,
        device=TRANSLATION_DEVICE,
        seed=config["seed"],
        code=script_code("mt_quality_language"),
    script:
        "../scripts/mt_quality_language.py"


rule mt_quality:
    input:
        [
            layout.MT_QUALITY_LANGUAGE.format(lang=lang)
            for lang in DATA.quality_languages
        ],
    output:
        layout.MT_QUALITY,
    log:
        layout.log("translate/mt_quality"),
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=script_code("concat_tables"),
    script:
        "../scripts/concat_tables.py"


# --- a benchmark's queries machine-translated (benchmarks[].translate_queries) ---


rule query_texts:
    input:
        layout.benchmark_table("queries"),
    output:
        layout.QUERY_TEXTS,
    log:
        layout.log("translate/benchmarks/{benchmark}/texts"),
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=script_code("query_texts"),
    script:
        "../scripts/query_texts.py"


rule translate_queries:
    input:
        texts=layout.QUERY_TEXTS,
        model=layout.CT2_MODEL,
    output:
        layout.QUERY_TRANSLATION,
    log:
        layout.log(layout.TRANSLATE_QUERIES_JOB),
    benchmark:
        layout.usage(layout.TRANSLATE_QUERIES_JOB)
    conda:
        "../../envs/mt.yaml"
    threads: TRANSLATION["threads"]
    params:
        source=lambda w: DATA.benchmark_language(w.benchmark),
        translation=TRANSLATION,
        device=TRANSLATION_DEVICE,
        seed=config["seed"],
        code=script_code("translate_queries"),
    script:
        "../scripts/translate_queries.py"


rule translated_queries:
    input:
        queries=layout.benchmark_table("queries"),
        translations=lambda w: DATA.query_translations(w.benchmark),
    output:
        layout.TRANSLATED_QUERIES,
    log:
        layout.log("translate/benchmarks/{benchmark}/queries"),
    conda:
        "../../envs/data.yaml"
    params:
        languages=lambda w: DATA.query_languages(w.benchmark),
        seed=config["seed"],
        code=script_code("translated_queries"),
    script:
        "../scripts/translated_queries.py"
