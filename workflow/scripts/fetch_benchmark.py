"""Fetch one benchmark into `candidates`, `queries` and `qrels` tables (candidates streamed in chunks)."""

from hybridir.fetch.benchmarks import stream_benchmark
from hybridir.logs import log_to
from hybridir.tables import write_table, write_table_chunks

log_to(snakemake.log[0], snakemake.rule)
spec, seed = snakemake.params.spec, snakemake.params.seed
benchmark = stream_benchmark(spec, seed)
write_table(benchmark.queries, snakemake.output.queries, "queries", config=spec, seed=seed)
write_table(benchmark.qrels, snakemake.output.qrels, "qrels", config=spec, seed=seed)
write_table_chunks(benchmark.candidates, snakemake.output.candidates, "candidates", config=spec, seed=seed)
