"""Bars per language for one encoder and benchmark (zero-shot languages hatched)."""

from hybridir.logs import log_to
from hybridir.report.figures import base, results
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, wildcards = snakemake.params, snakemake.wildcards
table = read_table(snakemake.input[0], params.schema)
measures = [tuple(measure) for measure in params.measures]
figure = results.per_language_bars(table, wildcards.encoder, wildcards.benchmark, measures, params.train_languages)
base.save(figure, snakemake.output.png, snakemake.output.pdf)
