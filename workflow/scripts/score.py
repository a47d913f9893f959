"""Per-query metrics of one run on one benchmark, and their aggregates with bootstrap intervals."""

from hybridir.evaluate.aggregate import aggregate
from hybridir.evaluate.metrics import per_query
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
settings = {"identity": params.identity, "resamples": params.resamples}
values = per_query(read_table(snakemake.input[0], "rankings"))
write_table(values, snakemake.output.per_query, "per_query", config=settings, seed=params.seed)
metrics = aggregate(values, params.identity, params.resamples, params.seed)
write_table(metrics, snakemake.output.metrics, "metrics", config=settings, seed=params.seed)
