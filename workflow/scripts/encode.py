"""Encode one benchmark's queries and candidates with one model into vector folders (float16 shards)."""

import torch

from hybridir.devices import resolve_device
from hybridir.encoders import EncoderSpec
from hybridir.evaluate.encode import encode_benchmark
from hybridir.evaluate.options import EncodingOptions
from hybridir.logs import log_to
from hybridir.tables import write_table
from hybridir.torch_devices import torch_cuda
from hybridir.vocabulary import ZERO_SHOT

log_to(snakemake.log[0], snakemake.rule)
torch.set_num_threads(snakemake.threads)
params = snakemake.params
device = resolve_device(params.device, "evaluation.device", torch_cuda, getattr(snakemake.resources, "gpu", 0))
lengths = encode_benchmark(
    EncoderSpec.from_config(params.encoder, params.model, zero_shot=snakemake.wildcards.run == ZERO_SHOT),
    {"queries": snakemake.input.queries, "candidates": snakemake.input.candidates},
    params.format,
    EncodingOptions(**params.options),
    {"queries": snakemake.output.queries, "candidates": snakemake.output.candidates},
    device,
)
write_table(lengths, snakemake.output.lengths, "text_lengths", config=params.options, settings=params.options)
