"""mAP, Recall@1 and Recall@10 per query language, from the evaluate stage's strategy_metrics."""

from hybridir.logs import log_to
from hybridir.report.data import retrieval
from hybridir.report.pages import document, languages
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "strategy_metrics")
frame = retrieval.per_language_table(metrics, params.benchmarks, params.train_languages)
page = languages.per_language_page(frame, params.evaluation)
document.write_report_table(frame, "per_language", page, output.table, output.markdown, output.html, seed=params.seed)
