"""The distinct query texts of one benchmark whose queries are machine-translated."""

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.queries import query_texts

log_to(snakemake.log[0], snakemake.rule)
texts = query_texts(read_table(snakemake.input[0], "queries"))
write_table(texts, snakemake.output[0], "texts", seed=snakemake.params.seed)
