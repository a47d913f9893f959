"""Heatmaps of mAP per query -> pool language for one encoder and benchmark, and their differences."""

from hybridir.logs import log_to
from hybridir.report import figures
from hybridir.tables import read_table

log_to(snakemake.log[0])
output, wildcards = snakemake.output, snakemake.wildcards
metrics = read_table(snakemake.input.metrics, "metrics")
languages = snakemake.params.train_languages
heatmaps = figures.map_heatmaps(metrics, wildcards.encoder, wildcards.benchmark, languages)
figures.save(heatmaps, output.heatmap, output.heatmap_pdf)
difference = figures.map_difference(metrics, wildcards.encoder, wildcards.benchmark, languages)
figures.save(difference, output.difference, output.difference_pdf)
