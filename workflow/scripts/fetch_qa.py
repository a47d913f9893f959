"""Fetch one source-language QA dataset into a `qa` table."""

from hybridir.fetch.qa import fetch_qa
from hybridir.logs import log_to
from hybridir.tables import write_table

log_to(snakemake.log[0])
spec = snakemake.params.spec
table = fetch_qa(spec, snakemake.params.lang)
write_table(table, snakemake.output[0], "qa", config=spec, seed=snakemake.params.seed)
