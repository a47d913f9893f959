"""MT quality and translation flags per language (mt_quality is absent when not measured)."""

from hybridir.logs import log_to
from hybridir.report.data import pipeline
from hybridir.report.pages import document
from hybridir.report.pages import pipeline as pages
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
measured = [read_table(p, "mt_quality") for p in snakemake.input.mt_quality]
quality = pipeline.mt_quality_table(measured[0] if measured else None)
page = pages.mt_quality_page(quality, params.benchmark)
paths = (output.mt_quality, output.mt_quality_md, output.mt_quality_html)
document.write_report_table(quality, "mt_quality", page, *paths)
flags = pipeline.translation_flags_table([read_table(p, "translation_ledger") for p in snakemake.input.ledgers])
page = pages.translation_flags_page(flags)
document.write_report_table(flags, "translation_flags", page, output.flags, output.flags_md, output.flags_html)
