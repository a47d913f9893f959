"""Rank every relevant candidate of one benchmark in its mono, cross and multi pools."""

import torch

from hybridir.evaluate.search import load_embeddings, rank_benchmark
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0])
torch.set_num_threads(snakemake.threads)
params = snakemake.params
queries = read_table(snakemake.input.queries, "queries")
candidates = read_table(snakemake.input.candidates, "candidates")
rankings = rank_benchmark(
    queries,
    candidates,
    read_table(snakemake.input.qrels, "qrels"),
    load_embeddings(snakemake.input.query_vectors, len(queries)),
    load_embeddings(snakemake.input.candidate_vectors, len(candidates)),
    params.settings,
)
write_table(rankings, snakemake.output[0], "rankings", config=params.settings, seed=params.seed)
