"""Mine a positive passage and hard negatives per question of a question-answer set (BM25)."""

from hybridir.fetch.mined import mine_dataset
from hybridir.logs import log_to
from hybridir.network import use_network

log_to(snakemake.log[0], snakemake.rule)
use_network(snakemake.params.network)
mine_dataset(snakemake.params.spec, snakemake.output[0], threads=snakemake.threads)
