"""Build the tiny random NLLB-architecture model that the offline demo translates with."""

from hybridir.demo import demo_texts
from hybridir.logs import log_to
from hybridir.tiny import build_tiny_nllb

log_to(snakemake.log[0])
build_tiny_nllb(demo_texts(snakemake.params.seed), snakemake.output[0], seed=snakemake.params.seed)
