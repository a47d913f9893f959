"""Leakage report table: pairs found in a benchmark, per training dataset and benchmark."""

import pandas as pd

from hybridir.logs import log_to
from hybridir.report.data.leakage import leakage_table
from hybridir.report.pages.document import write_report_table
from hybridir.report.pages.leakage import leakage_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
hits = [read_table(path, "leakage_hits") for path in snakemake.input.hits]
ledgers = [read_table(path, "corpus_ledger") for path in snakemake.input.ledgers]
frame = leakage_table(hits, ledgers, params.datasets, params.benchmarks)
exclusions = (
    [read_table(path, "leakage_ledger") for path in snakemake.input.exclusions] if params.exclude_leaked else None
)
page = leakage_page(frame, pd.concat(hits, ignore_index=True), params.leakage, exclusions)
write_report_table(frame, "leakage", page, output.table, output.markdown, output.html, seed=params.seed)
