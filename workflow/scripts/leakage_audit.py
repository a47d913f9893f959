"""Audit one dataset of the parallel corpus, streamed in chunks, against the leakage index."""

from hybridir.leakage import EvaluationIndex, LeakageSettings, audit
from hybridir.logs import log_to
from hybridir.tables import read_table, read_table_chunks, write_table

CHUNK_ROWS = 20_000

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
settings = LeakageSettings.from_config(params.leakage, params.seed)
index = EvaluationIndex(read_table(snakemake.input.index, "leakage_index"), settings)
hits = audit(read_table_chunks(snakemake.input.corpus, "parallel", None, CHUNK_ROWS), index)
write_table(hits, snakemake.output[0], "leakage_hits", config=params.leakage, seed=params.seed)
