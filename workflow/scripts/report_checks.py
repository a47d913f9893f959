"""Texts cut for length (translation, encoding) and the benchmark ledgers' counts, as report tables."""

from hybridir.logs import log_to
from hybridir.report.data import checks
from hybridir.report.pages import checks as pages
from hybridir.report.pages import document
from hybridir.tables import read_table, read_table_chunks

ROWS = 65536

log_to(snakemake.log[0], snakemake.rule)
params, inputs, output = snakemake.params, snakemake.input, snakemake.output
flags = {
    lang: (flags for chunk in read_table_chunks(path, "translations", ["flags"], ROWS) for flags in chunk["flags"])
    for lang, path in zip(params.languages, inputs.translations, strict=True)
}
lengths = {
    tuple(key): read_table(path, "text_lengths") for key, path in zip(params.evaluations, inputs.lengths, strict=True)
}
cuts = checks.truncation_table(checks.translation_cuts(flags, params.max_input_tokens), checks.encoding_cuts(lengths))
page = pages.truncation_page(cuts)
document.write_report_table(cuts, "truncation", page, output.truncation, output.truncation_md, output.truncation_html)
ledger = checks.benchmark_ledger_table([read_table(path, "benchmark_ledger") for path in inputs.ledgers])
paths = (output.benchmark_ledger, output.benchmark_ledger_md, output.benchmark_ledger_html)
document.write_report_table(ledger, "benchmark_ledger", pages.benchmark_ledger_page(ledger), *paths)
