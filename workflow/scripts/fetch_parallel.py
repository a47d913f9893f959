"""Fetch one already-parallel dataset into a long `parallel` table."""

from hybridir.fetch.parallel import fetch_parallel
from hybridir.logs import log_to
from hybridir.network import use_network
from hybridir.tables import write_table

log_to(snakemake.log[0], snakemake.rule)
use_network(snakemake.params.network)
spec = snakemake.params.spec
table = fetch_parallel(spec)
write_table(table, snakemake.output[0], "parallel", config=spec, seed=snakemake.params.seed)
