"""Results by language resources (Joshi class, seen / unseen in training, in / not in pretraining),
from the evaluate stage's language_groups and language_group_significance tables."""

import pandas as pd

from hybridir.logs import log_to
from hybridir.report.data.language_groups import language_groups_table
from hybridir.report.pages import document
from hybridir.report.pages.language_groups import language_groups_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, inputs, output = snakemake.params, snakemake.input, snakemake.output
groups = pd.concat([read_table(path, "language_groups") for path in inputs.groups], ignore_index=True)
tests = pd.concat([read_table(path, "language_group_significance") for path in inputs.significance], ignore_index=True)
frame = language_groups_table(groups, tests, params.benchmarks)
page = language_groups_page(frame, groups, params.resources, params.evaluation)
paths = (output.table, output.markdown, output.html)
document.write_report_table(frame, "language_groups", page, *paths, seed=params.seed)
