"""Mine every language pair of one BUCC benchmark with one model's vectors: the mining table, the
per_query table of source sentences, and their aggregates with bootstrap intervals."""

import torch

from hybridir.devices import resolve_device
from hybridir.evaluate.aggregate import aggregate
from hybridir.evaluate.mining import mine_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.torch_devices import torch_cuda

log_to(snakemake.log[0], snakemake.rule)
torch.set_num_threads(snakemake.threads)
params, output = snakemake.params, snakemake.output
device = resolve_device(params.device, "evaluation.device", torch_cuda, getattr(snakemake.resources, "gpu", 0))
settings = {"identity": params.identity, "resamples": params.resamples}
mining, values = mine_benchmark(
    read_table(snakemake.input.candidates, "candidates"),
    VectorShards(snakemake.input.candidate_vectors),
    read_table(snakemake.input.qrels, "qrels"),
    params.identity,
    device=device,
)
write_table(mining, output.mining, "mining", config=settings, seed=params.seed)
write_table(values, output.per_query, "per_query", config=settings, seed=params.seed)
metrics = aggregate(values, params.identity, params.resamples, params.seed)
write_table(metrics, output.metrics, "metrics", config=settings, seed=params.seed)
