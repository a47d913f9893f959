"""Table 1 (mAP), Table 2 (Recall), Table 3 (rank distance), Table 4 (MIRACL), and the tables of the
training-data and domain studies (BEIR-format benchmarks, results per domain, mixtures compared),
from the evaluate stage's strategy_metrics and significance tables."""

from hybridir.logs import log_to
from hybridir.report.data import retrieval, studies
from hybridir.report.data.paper import read_paper_numbers
from hybridir.report.pages import document, languages
from hybridir.report.pages import retrieval as pages
from hybridir.report.pages import studies as study_pages
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
params, output = snakemake.params, snakemake.output
metrics = read_table(snakemake.input.metrics, "strategy_metrics")
significance = read_table(snakemake.input.significance, "significance")
paper = read_paper_numbers(snakemake.input.paper)
benchmarks, mixtures, settings = params.benchmarks, params.mixtures, params.evaluation
built = {
    "map": retrieval.map_table(metrics, significance, paper, params.retrieval),
    "recall": retrieval.recall_table(metrics, significance, paper, params.retrieval),
    "rank_distance": retrieval.rank_distance_table(metrics, significance, paper, params.retrieval),
    "miracl": retrieval.miracl_table(metrics, significance, paper, params.miracl, params.train_languages),
    "beir": studies.beir_table(metrics, significance, benchmarks, params.train_languages),
    "domains": studies.domains_table(metrics, significance, benchmarks, mixtures),
    "mixtures": studies.mixtures_table(significance, benchmarks, mixtures),
}
page = {
    "map": lambda frame: pages.map_page(frame, settings),
    "recall": lambda frame: pages.recall_page(frame, settings),
    "rank_distance": lambda frame: pages.rank_distance_page(frame, settings),
    "miracl": lambda frame: languages.miracl_page(frame, settings),
    "beir": lambda frame: study_pages.beir_page(frame, benchmarks, settings),
    "domains": lambda frame: study_pages.domains_page(frame, benchmarks, mixtures, settings),
    "mixtures": lambda frame: study_pages.mixtures_page(frame, mixtures),
}
for name, frame in built.items():
    paths = (output[name], output[f"{name}_md"], output[f"{name}_html"])
    document.write_report_table(frame, name, page[name](frame), *paths, seed=params.seed)
