DEMO_DATA = layout.DEMO_DATA
DEMO_LANGUAGES = ["en", "de", "es"]


rule demo_data:
    output:
        f"{DEMO_DATA}/qa/facts.jsonl",
        f"{DEMO_DATA}/qa/extra.csv",
        f"{DEMO_DATA}/qa/english_only.parquet",
        f"{DEMO_DATA}/qa/validation.jsonl",
        expand(f"{DEMO_DATA}/parallel/{{lang}}.jsonl", lang=DEMO_LANGUAGES),
        expand(f"{DEMO_DATA}/lareqa/{{lang}}.json", lang=DEMO_LANGUAGES),
        expand(
            f"{DEMO_DATA}/mlqa/dev-context-{{lang}}-question-{{lang}}.json",
            lang=DEMO_LANGUAGES,
        ),
        expand(
            f"{DEMO_DATA}/miracl/{{lang}}/{{file}}",
            lang=DEMO_LANGUAGES,
            file=["topics.tsv", "qrels.tsv", "corpus.jsonl.gz"],
        ),
        expand(
            f"{DEMO_DATA}/tatoeba/tatoeba.{{code}}-eng.{{side}}",
            zip,
            code=["deu", "deu", "spa", "spa"],
            side=["deu", "eng", "spa", "eng"],
        ),
        expand(
            f"{DEMO_DATA}/mmarco/google/{{kind}}/{{name}}_{{file}}",
            zip,
            kind=["queries/dev"] * 3 + ["collections"] * 3,
            name=["english", "german", "spanish"] * 2,
            file=["queries.dev.small.tsv"] * 3 + ["collection.tsv"] * 3,
        ),
        f"{DEMO_DATA}/mmarco/qrels.dev.small.tsv",
    log:
        layout.log("demo_data"),
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=script_code("demo_data"),
    script:
        "../scripts/demo_data.py"


rule demo_nllb_model:
    output:
        directory(f"{layout.DEMO_MODELS}/nllb-tiny"),
    log:
        layout.log("demo_nllb_model"),
    conda:
        "../../envs/mt.yaml"
    params:
        seed=config["seed"],
        steps=600,
        code=script_code("demo_nllb_model"),
    script:
        "../scripts/demo_nllb_model.py"


rule demo_encoder_model:
    output:
        directory(f"{layout.DEMO_MODELS}/encoder-tiny"),
    log:
        layout.log("demo_encoder_model"),
    conda:
        "../../envs/train.yaml"
    params:
        seed=config["seed"],
        code=script_code("demo_encoder_model"),
    script:
        "../scripts/demo_encoder_model.py"
