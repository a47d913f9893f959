"""Bars per language for one encoder and benchmark (zero-shot languages hatched)."""

from hybridir.logs import log_to
from hybridir.report.figures import base, results
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, wildcards = snakemake.params, snakemake.wildcards
if params.miracl:
    table = read_table(snakemake.input[0], "report_miracl")
    measures = [("mono", "ndcg_10"), ("mono", "recall_100")]
else:
    table = read_table(snakemake.input[0], "report_per_language")
    measures = [("mono", "map"), ("cross", "map"), ("multi", "map")]
figure = results.per_language_bars(table, wildcards.encoder, wildcards.benchmark, measures, params.train_languages)
base.save(figure, snakemake.output.png, snakemake.output.pdf)
