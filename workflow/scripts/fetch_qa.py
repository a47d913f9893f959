"""Fetch one source-language QA dataset into a `qa` table, with its fetch ledger."""

from hybridir.fetch.qa import fetch_qa
from hybridir.logs import log_to
from hybridir.network import use_network
from hybridir.tables import write_table

log_to(snakemake.log[0], snakemake.rule)
use_network(snakemake.params.network)
spec = snakemake.params.spec
table, ledger = fetch_qa(spec, snakemake.params.lang)
write_table(table, snakemake.output.qa, "qa", config=spec, seed=snakemake.params.seed)
write_table(ledger, snakemake.output.ledger, "fetch_ledger", config=spec, seed=snakemake.params.seed)
