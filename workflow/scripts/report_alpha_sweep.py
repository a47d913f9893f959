"""mono / cross / multi mAP against alpha for one encoder, from Table 1."""

from hybridir.logs import log_to
from hybridir.report.figures import base, results
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
table = read_table(snakemake.input.map, "report_map")
base.save(results.alpha_sweep(table, snakemake.wildcards.encoder), snakemake.output.png, snakemake.output.pdf)
