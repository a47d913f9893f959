"""Usage report table: time and memory of every heavy job, from Snakemake's benchmark files."""

from hybridir.logs import log_to
from hybridir.report.data.usage import usage_table
from hybridir.report.pages import document
from hybridir.report.pages.usage import usage_page

log_to(snakemake.log[0], snakemake.rule)
output = snakemake.output
frame = usage_table(list(snakemake.input))
document.write_report_table(frame, "usage", usage_page(frame), output.table, output.markdown, output.html)
