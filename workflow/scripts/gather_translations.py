"""All translations into one language, from every shard of every dataset."""

import pandas as pd

from hybridir.devices import combined_runtime
from hybridir.logs import log_to
from hybridir.tables import read_provenance, read_table, write_table
from hybridir.translate.texts import flag_ledger

log_to(snakemake.log[0], snakemake.rule)
seed = snakemake.params.seed
frames = [read_table(path, "translations") for path in snakemake.input]
runtime = combined_runtime(read_provenance(path).get("runtime") for path in snakemake.input)
table = pd.concat(frames, ignore_index=True).sort_values("text_id", ignore_index=True)
write_table(table, snakemake.output.translations, "translations", seed=seed, runtime=runtime)
write_table(flag_ledger(table), snakemake.output.ledger, "translation_ledger", seed=seed)
