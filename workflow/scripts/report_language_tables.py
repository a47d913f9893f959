"""Tables 6-9 (Tatoeba, BUCC, Mewsli-X, mMARCO): results per language and their means, from the
evaluate stage's strategy_metrics and significance tables."""

from hybridir import layout
from hybridir.logs import log_to
from hybridir.report.data import retrieval
from hybridir.report.data.paper import read_paper_numbers, read_published_numbers
from hybridir.report.pages import document
from hybridir.report.pages.benchmarks import language_page
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "strategy_metrics")
significance = read_table(snakemake.input.significance, "significance")
paper = read_paper_numbers(snakemake.input.paper)
published = read_published_numbers(snakemake.input.published)
for name in layout.LANGUAGE_TABLES:
    frame = retrieval.language_table(
        metrics, significance, paper, params.benchmarks[name], params.train_languages, name
    )
    page = language_page(name, frame, params.evaluation, published, params.limited)
    paths = (output[name], output[f"{name}_md"], output[f"{name}_html"])
    document.write_report_table(frame, name, page, *paths, seed=params.seed)
