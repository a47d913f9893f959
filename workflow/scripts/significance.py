"""Paired significance tests between every two evaluated runs of one encoder on one benchmark."""

from hybridir.evaluate.significance import compare_runs
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0])
params = snakemake.params
per_query = {run: read_table(path, "per_query") for run, path in zip(params.runs, snakemake.input, strict=True)}
wildcards = snakemake.wildcards
table = compare_runs(per_query, wildcards.encoder, wildcards.benchmark, params.resamples, params.seed)
settings = {"runs": params.runs, "resamples": params.resamples}
write_table(table, snakemake.output[0], "significance", config=settings, seed=params.seed)
