"""Corpus ledger summary: kept / filtered / failed pairs per dataset and language, with the source
rows that the fetch stage filtered."""

from hybridir.logs import log_to
from hybridir.report.data import pipeline
from hybridir.report.pages import document
from hybridir.report.pages import pipeline as pages
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
output = snakemake.output
frame = pipeline.corpus_ledger_table(
    [read_table(p, "corpus_ledger") for p in snakemake.input.corpus],
    [read_table(p, "fetch_ledger") for p in snakemake.input.fetch],
)
page = pages.corpus_ledger_page(frame)
document.write_report_table(frame, "corpus_ledger", page, output.table, output.markdown, output.html)
