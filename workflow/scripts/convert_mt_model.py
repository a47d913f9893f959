"""Convert the configured NLLB / M2M100 checkpoint to CTranslate2."""

from hybridir.logs import log_to
from hybridir.translate.convert import convert_model

log_to(snakemake.log[0], snakemake.rule)
convert_model(snakemake.params.model, snakemake.output[0], snakemake.params.quantization)
