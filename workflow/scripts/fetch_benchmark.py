"""Fetch one benchmark into `candidates`, `queries` and `qrels` tables and its ledger (candidates
streamed in chunks, first: a MIRACL judgement is checked against the corpus once it is read)."""

from hybridir.fetch.benchmarks import stream_benchmark
from hybridir.logs import log_to
from hybridir.network import use_network
from hybridir.tables import write_table, write_table_chunks

log_to(snakemake.log[0], snakemake.rule)
use_network(snakemake.params.network)
spec, seed = snakemake.params.spec, snakemake.params.seed
benchmark = stream_benchmark(spec, seed)
write_table_chunks(benchmark.candidates, snakemake.output.candidates, "candidates", config=spec, seed=seed)
qrels, ledger = benchmark.judgements()
write_table(benchmark.queries, snakemake.output.queries, "queries", config=spec, seed=seed)
write_table(qrels, snakemake.output.qrels, "qrels", config=spec, seed=seed)
write_table(ledger, snakemake.output.ledger, "benchmark_ledger", config=spec, seed=seed)
