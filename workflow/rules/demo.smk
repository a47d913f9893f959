DEMO_DATA = f"{RESULTS}/demo/data"
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
    log:
        f"{RESULTS}/logs/demo_data.log",
    conda:
        "../../envs/data.yaml"
    params:
        seed=config["seed"],
        code=code_fingerprint("demo"),
    script:
        "../scripts/demo_data.py"


rule demo_nllb_model:
    output:
        directory(f"{RESULTS}/demo/models/nllb-tiny"),
    log:
        f"{RESULTS}/logs/demo_nllb_model.log",
    conda:
        "../../envs/mt.yaml"
    params:
        seed=config["seed"],
        steps=600,
        code=code_fingerprint("demo", "tiny"),
    script:
        "../scripts/demo_nllb_model.py"


rule demo_encoder_model:
    output:
        directory(f"{RESULTS}/demo/models/encoder-tiny"),
    log:
        f"{RESULTS}/logs/demo_encoder_model.log",
    conda:
        "../../envs/train.yaml"
    params:
        seed=config["seed"],
        code=code_fingerprint("demo", "tiny"),
    script:
        "../scripts/demo_encoder_model.py"
