"""training_mix report table: the realised training mix of every strategy, from the training logs."""

from hybridir.logs import log_to
from hybridir.report.data.mix import mix_table
from hybridir.report.pages import document
from hybridir.report.pages.mix import training_mix_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
output = snakemake.output
logs = {
    tuple(key): read_table(path, "training_log")
    for key, path in zip(snakemake.params.runs, snakemake.input, strict=True)
}
frame = mix_table(logs)
document.write_report_table(frame, "training_mix", training_mix_page(frame), output.table, output.markdown, output.html)
