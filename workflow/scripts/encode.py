"""Encode one benchmark's queries and candidates with one model (each distinct text once)."""

import torch

from hybridir.encoders import EncoderSpec
from hybridir.evaluate.encode import EncodingOptions, encode_benchmark
from hybridir.logs import log_to
from hybridir.plan import ZERO_SHOT
from hybridir.tables import read_table

log_to(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
params = snakemake.params
encode_benchmark(
    EncoderSpec.from_config(params.encoder, params.model, zero_shot=snakemake.wildcards.run == ZERO_SHOT),
    read_table(snakemake.input.queries, "queries"),
    read_table(snakemake.input.candidates, "candidates"),
    params.format,
    EncodingOptions.from_config(params.options),
    {"queries": snakemake.output.queries, "candidates": snakemake.output.candidates},
)
