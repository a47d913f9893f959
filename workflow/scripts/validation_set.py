"""Build the validation set that every training run computes its validation loss on."""

import pandas as pd

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.train.validation import validation_set

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
qa = pd.concat([read_table(path, "qa") for path in snakemake.input], ignore_index=True)
frame = validation_set(qa, params.batch_size, params.seed)
write_table(frame, snakemake.output[0], "validation", config={"batch_size": params.batch_size}, seed=params.seed)
