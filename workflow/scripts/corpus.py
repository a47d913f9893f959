"""Join one dataset's translations into the long parallel table, with its ledger."""

from pathlib import Path

from hybridir.corpus import CorpusFilters, parallel_corpus, translated_corpus
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
if hasattr(snakemake.input, "parallel"):
    table, ledger = parallel_corpus(read_table(snakemake.input.parallel, "parallel"), params.negatives)
else:
    translations = {Path(p).stem: read_table(p, "translations") for p in snakemake.input.translations}
    filters = CorpusFilters.from_config(params.corpus)
    qa = read_table(snakemake.input.qa, "qa")
    table, ledger = translated_corpus(qa, translations, params.source, filters, params.negatives)
write_table(table, snakemake.output.parallel, "parallel", config=params.corpus, seed=params.seed)
write_table(ledger, snakemake.output.ledger, "corpus_ledger", config=params.corpus, seed=params.seed)
