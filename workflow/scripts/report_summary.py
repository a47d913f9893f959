"""results/summary.md (and its HTML for the Snakemake report) from the report tables."""

import os

from hybridir import layout
from hybridir.logs import log_to
from hybridir.report.pages.document import write_document
from hybridir.report.pages.summary import summary_document
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, inputs = snakemake.params, snakemake.input
tables = {
    name: read_table(path, layout.report_schema(name)) for name, path in zip(params.names, inputs.tables, strict=True)
}
logs = {tuple(key): read_table(path, "training_log") for key, path in zip(params.runs, inputs.logs, strict=True)}
significance = read_table(inputs.significance, "significance")
# paths as seen from the folder that holds results/ (summary.md is results/summary.md)
base = os.path.dirname(os.path.dirname(os.path.abspath(snakemake.output.markdown)))
figures = [os.path.relpath(os.path.abspath(p), base) for p in inputs.figures]
markdown = [os.path.relpath(os.path.abspath(p[: -len("parquet")] + "md"), base) for p in inputs.tables]
blocks = summary_document(params.config, tables, significance, logs, figures, markdown, params.evaluation)
write_document(blocks, snakemake.output.markdown, snakemake.output.html, "Results summary")
