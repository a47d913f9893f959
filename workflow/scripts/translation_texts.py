"""The unique texts of one dataset that no earlier dataset has: what its shards translate."""

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.texts import owned_texts

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
*earlier, own = [read_table(path, "qa") for path in snakemake.input.qa]
texts = owned_texts(own, earlier, params.lang, params.negatives)
write_table(texts, snakemake.output[0], "texts", seed=params.seed)
