"""Every warning the jobs logged (results/logs), as the report table `warnings`."""

from hybridir.joblogs import job_logs, warning_rows
from hybridir.logs import log_to
from hybridir.report.data.checks import warnings_table
from hybridir.report.pages import document
from hybridir.report.pages.checks import warnings_page

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
logs = job_logs(params.logs, excluded=[snakemake.log[0], *params.excluded])
frame = warnings_table(warning_rows(logs, params.logs))
document.write_report_table(frame, "warnings", warnings_page(frame), output.table, output.markdown, output.html)
