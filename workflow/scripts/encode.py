"""Encode one benchmark's queries and candidates with one model into vector folders (float16 shards)."""

import torch

from hybridir.devices import resolve_device, torch_cuda
from hybridir.evaluate.encode import EncodingOptions, encode_benchmark
from hybridir.logs import log_to

log_to(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
params = snakemake.params
device = resolve_device(params.device, "evaluation.device", torch_cuda, getattr(snakemake.resources, "gpu", 0))
encode_benchmark(
    params.model,
    {"queries": snakemake.input.queries, "candidates": snakemake.input.candidates},
    params.format,
    EncodingOptions.from_config(params.options),
    {"queries": snakemake.output.queries, "candidates": snakemake.output.candidates},
    device,
)
