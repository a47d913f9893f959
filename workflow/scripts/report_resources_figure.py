"""A metric per language against its CC-100 size, per strategy, for one encoder and benchmark."""

from hybridir.logs import log_to
from hybridir.report.figures import base, resources
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, wildcards = snakemake.params, snakemake.wildcards
groups = read_table(snakemake.input[0], "language_groups")
sizes = {lang: record["cc100_gib"] for lang, record in params.resources["languages"].items()}
measure = tuple(params.measure)
figure = resources.resources_figure(groups, wildcards.encoder, wildcards.benchmark, measure, sizes)
base.save(figure, snakemake.output.png, snakemake.output.pdf)
