"""mAP, Recall@1 and Recall@10 per query language, from metrics and the per-query tables."""

from hybridir.logs import log_to
from hybridir.report import pages, tables
from hybridir.tables import read_table

log_to(snakemake.log[0])
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "metrics")
per_query = {(r["encoder"], r["run"], r["benchmark"]): read_table(r["path"], "per_query") for r in params.per_query}
frame = tables.per_language_table(metrics, per_query, params.benchmarks, params.train_languages, params.seed)
page = pages.per_language_page(frame)
pages.write_report_table(frame, "per_language", page, output.table, output.markdown, output.html, seed=params.seed)
