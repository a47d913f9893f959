"""Build the tiny random encoder that the offline demo fine-tunes."""

from hybridir.demo.data import demo_texts
from hybridir.demo.tiny import build_tiny_encoder
from hybridir.logs import log_to

log_to(snakemake.log[0], snakemake.rule)
build_tiny_encoder(demo_texts(snakemake.params.seed), snakemake.output[0], seed=snakemake.params.seed)
