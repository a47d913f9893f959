"""Fetch one already-parallel dataset into a long `parallel` table (hard negatives given, mined or none)."""

from hybridir.fetch.mining import with_negatives
from hybridir.fetch.parallel import fetch_parallel
from hybridir.logs import log_to
from hybridir.network import use_network
from hybridir.tables import write_table

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
use_network(params.network)
table = with_negatives(
    fetch_parallel(params.spec), params.spec, params.negatives, params.lang, params.seed, snakemake.threads
)
write_table(table, snakemake.output[0], "parallel", config=params.spec, seed=params.seed)
