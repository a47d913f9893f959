"""The study's answer page (config `study`): its comparisons from the evaluate stage's
significance and language_group_significance tables, Holm-corrected over the study."""

import pandas as pd

from hybridir.logs import log_to
from hybridir.report.data.answer import Comparison, answer_table
from hybridir.report.pages import document
from hybridir.report.pages.answer import study_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
significance = read_table(snakemake.input.significance, "significance")
groups = pd.concat([read_table(path, "language_group_significance") for path in snakemake.input.groups])
comparisons = [Comparison(**record) for record in params.study["comparisons"]]
frame = answer_table(comparisons, significance, groups)
page = study_page(frame, params.study["study"], params.study["config"])
document.write_report_table(frame, "study", page, output.table, output.markdown, output.html, seed=params.seed)
