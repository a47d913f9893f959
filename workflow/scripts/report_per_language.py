"""mAP, Recall@1 and Recall@10 per query language, from metrics and the per-query tables."""

from hybridir.logs import log_to
from hybridir.report.data import retrieval
from hybridir.report.pages import document
from hybridir.report.pages import retrieval as pages
from hybridir.tables import read_table

log_to(snakemake.log[0])
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "metrics")
per_query = {(r["encoder"], r["run"], r["benchmark"]): read_table(r["path"], "per_query") for r in params.per_query}
languages = params.train_languages
frame = retrieval.per_language_table(metrics, per_query, params.benchmarks, languages, params.seed, params.resamples)
page = pages.per_language_page(frame)
document.write_report_table(frame, "per_language", page, output.table, output.markdown, output.html, seed=params.seed)
