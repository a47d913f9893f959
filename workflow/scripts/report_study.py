"""The study's answer page (config `study`): its comparisons from the evaluate stage's
significance and language_group_significance tables, Holm-corrected over the study."""

from hybridir.logs import log_to
from hybridir.report.data.study import Comparison, answer_table
from hybridir.report.pages import document
from hybridir.report.pages.study import study_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
significance = read_table(snakemake.input.significance, "significance")
groups = read_table(snakemake.input.groups, "language_group_significance")
comparisons = [Comparison(**record) for record in params.comparisons]
frame = answer_table(comparisons, significance, groups)
page = study_page(frame, params.study, params.config)
document.write_report_table(frame, "study", page, output.table, output.markdown, output.html, seed=params.seed)
