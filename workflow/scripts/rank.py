"""Rank every relevant candidate of one benchmark in the pools of its settings (to its format's depth)."""

import torch

from hybridir.devices import resolve_device, runtime_info
from hybridir.evaluate.search import candidate_chunks, rank_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.torch_devices import torch_cuda

log_to(snakemake.log[0], snakemake.rule)
torch.set_num_threads(snakemake.threads)
params = snakemake.params
device = resolve_device(params.device, "evaluation.device", torch_cuda, getattr(snakemake.resources, "gpu", 0))
queries = read_table(snakemake.input.queries, "queries")
candidate_vectors = VectorShards(snakemake.input.candidate_vectors)
rankings = rank_benchmark(
    queries,
    candidate_chunks(snakemake.input.candidates),
    read_table(snakemake.input.qrels, "qrels"),
    VectorShards(snakemake.input.query_vectors, len(queries)),
    candidate_vectors,
    params.settings,
    device,
    params.depth,
)
runtime = runtime_info(device, "float32") | {"vectors": candidate_vectors.runtime()}
write_table(rankings, snakemake.output[0], "rankings", config=params.settings, seed=params.seed, runtime=runtime)
