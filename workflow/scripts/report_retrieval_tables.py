"""Table 1 (mAP), Table 2 (Recall), Table 3 (rank distance) and Table 4 (MIRACL), from the evaluate
stage's strategy_metrics and significance tables."""

from hybridir.logs import log_to
from hybridir.report.data import retrieval
from hybridir.report.data.paper import read_paper_numbers
from hybridir.report.pages import document, languages
from hybridir.report.pages import retrieval as pages
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "strategy_metrics")
significance = read_table(snakemake.input.significance, "significance")
paper = read_paper_numbers(snakemake.input.paper)
built = {
    "map": retrieval.map_table(metrics, significance, paper, params.retrieval),
    "recall": retrieval.recall_table(metrics, significance, paper, params.retrieval),
    "rank_distance": retrieval.rank_distance_table(metrics, significance, paper, params.retrieval),
    "miracl": retrieval.miracl_table(metrics, significance, paper, params.miracl, params.train_languages),
}
page = {
    "map": pages.map_page,
    "recall": pages.recall_page,
    "rank_distance": pages.rank_distance_page,
    "miracl": languages.miracl_page,
}
for name, frame in built.items():
    paths = (output[name], output[f"{name}_md"], output[f"{name}_html"])
    document.write_report_table(frame, name, page[name](frame, params.evaluation), *paths, seed=params.seed)
