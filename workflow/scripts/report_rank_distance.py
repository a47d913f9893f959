"""Distributions of per-query rank distances (multi setting) of every run of one encoder and benchmark."""

from hybridir.logs import log_to
from hybridir.report.figures import base, curves
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
wildcards = snakemake.wildcards
per_query = {
    run: read_table(path, "per_query") for run, path in zip(snakemake.params.runs, snakemake.input, strict=True)
}
figure = curves.rank_distance_figure(per_query, wildcards.encoder, wildcards.benchmark)
base.save(figure, snakemake.output.png, snakemake.output.pdf)
