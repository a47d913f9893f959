"""Copy an encoder shipped as a PyPI package to the folder an encoder entry names."""

from hybridir.logs import log_to
from hybridir.packaged import export_packaged_model

log_to(snakemake.log[0], snakemake.rule)
export_packaged_model(snakemake.wildcards.model, snakemake.output[0])
