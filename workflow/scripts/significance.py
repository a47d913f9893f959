"""Every strategy of one encoder on one benchmark over its seeds (strategy_metrics), and paired
comparisons of every two strategies (significance): one multi-bootstrap for both."""

from hybridir.evaluate.seeds import seed_statistics, strategy_metrics
from hybridir.evaluate.significance import compare_strategies
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
params, wildcards, output = snakemake.params, snakemake.wildcards, snakemake.output
per_query = {run: read_table(path, "per_query") for run, path in zip(params.runs, snakemake.input, strict=True)}
statistics = seed_statistics(per_query, wildcards.encoder, params.resamples, params.seed)
settings = {"runs": params.runs, "resamples": params.resamples}
table = strategy_metrics(statistics, wildcards.benchmark)
write_table(table, output.strategy_metrics, "strategy_metrics", config=settings, seed=params.seed)
table = compare_strategies(statistics, wildcards.benchmark)
write_table(table, output.significance, "significance", config=settings, seed=params.seed)
