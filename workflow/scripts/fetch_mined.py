"""Mine a positive passage and hard negatives per question of a question-answer set (BM25)."""

from hybridir.fetch.mined import mine_dataset
from hybridir.logs import log_to

log_to(snakemake.log[0], snakemake.rule)
mine_dataset(snakemake.params.spec, snakemake.output[0], threads=snakemake.threads)
