from hybridir.packaged import PACKAGES


rule packaged_model:
    output:
        directory(layout.PACKAGED_MODEL),
    log:
        layout.log("packaged_model/{model}"),
    wildcard_constraints:
        model="|".join(re.escape(name) for name in PACKAGES),
    conda:
        "../../envs/train.yaml"
    params:
        code=script_code("packaged_model"),
    script:
        "../scripts/packaged_model.py"
