"""Fetch one source-language QA dataset into a `qa` table (hard negatives given, mined or none),
with its fetch ledger."""

from hybridir.fetch.mining import with_negatives
from hybridir.fetch.qa import fetch_qa
from hybridir.logs import log_to
from hybridir.network import use_network
from hybridir.tables import write_table

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
use_network(params.network)
spec = params.spec
table, ledger = fetch_qa(spec, params.lang)
table = with_negatives(table, spec, params.negatives, params.lang, params.seed, snakemake.threads)
write_table(table, snakemake.output.qa, "qa", config=spec, seed=params.seed)
write_table(ledger, snakemake.output.ledger, "fetch_ledger", config=spec, seed=params.seed)
