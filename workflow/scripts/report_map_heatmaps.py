"""Heatmaps of mAP per query -> pool language for one encoder and benchmark, and their differences."""

from hybridir.logs import log_to
from hybridir.report.figures import base, heatmaps
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
output, wildcards = snakemake.output, snakemake.wildcards
metrics = read_table(snakemake.input.metrics, "strategy_metrics")
languages = snakemake.params.train_languages
figure = heatmaps.map_heatmaps(metrics, wildcards.encoder, wildcards.benchmark, languages)
base.save(figure, output.heatmap, output.heatmap_pdf)
difference = heatmaps.map_difference(metrics, wildcards.encoder, wildcards.benchmark, languages)
base.save(difference, output.difference, output.difference_pdf)
