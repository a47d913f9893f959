"""Concatenate tables of one kind (the output's schema names it) into one file."""

import pandas as pd

from hybridir.logs import log_to
from hybridir.tables import read_provenance, read_table, write_table

log_to(snakemake.log[0])
table = read_provenance(snakemake.input[0])["table"]
frames = [read_table(path, table) for path in snakemake.input]
write_table(pd.concat(frames, ignore_index=True), snakemake.output[0], table, seed=snakemake.params.seed)
