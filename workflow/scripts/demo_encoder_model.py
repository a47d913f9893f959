"""Build the tiny random encoder that the offline demo fine-tunes."""

from hybridir.demo import demo_texts
from hybridir.logs import log_to
from hybridir.tiny import build_tiny_encoder

log_to(snakemake.log[0])
build_tiny_encoder(demo_texts(snakemake.params.seed), snakemake.output[0], seed=snakemake.params.seed)
