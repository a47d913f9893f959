"""Fetch one benchmark into `candidates`, `queries` and `qrels` tables."""

from hybridir.fetch.benchmarks import fetch_benchmark
from hybridir.logs import log_to
from hybridir.tables import write_table

log_to(snakemake.log[0])
spec = snakemake.params.spec
benchmark = fetch_benchmark(spec)
for name in ("candidates", "queries", "qrels"):
    frame = getattr(benchmark, name)
    write_table(frame, snakemake.output[name], name, config=spec, seed=snakemake.params.seed)
