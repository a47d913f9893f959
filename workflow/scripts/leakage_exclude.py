"""Drop the pairs that the leakage audit found in a benchmark from one dataset's corpus, with a ledger."""

from hybridir.leakage import exclude_leaked
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
output, seed = snakemake.output, snakemake.params.seed
table, ledger = exclude_leaked(
    read_table(snakemake.input.corpus, "parallel"), read_table(snakemake.input.hits, "leakage_hits")
)
write_table(table, output.parallel, "parallel", seed=seed)
write_table(ledger, output.ledger, "leakage_ledger", seed=seed)
