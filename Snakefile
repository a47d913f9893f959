from snakemake.utils import min_version

min_version("9.0")


# config.yaml is the paper's run; a user's own --configfile replaces it (see README, "Your own config").
if not workflow.overwrite_configfiles:

    configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/packaged.smk"
include: "workflow/rules/fetch.smk"
include: "workflow/rules/translate.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/leakage.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        OUTPUTS.final(),
