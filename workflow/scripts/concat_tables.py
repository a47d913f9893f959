"""Concatenate tables of one kind (the output's schema names it) into one file, with their runtime."""

import pandas as pd

from hybridir.devices import combined_runtime
from hybridir.logs import log_to
from hybridir.tables import read_provenance, read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
provenances = [read_provenance(path) for path in snakemake.input]
table = provenances[0]["table"]
frames = [read_table(path, table) for path in snakemake.input]
runtime = combined_runtime(p.get("runtime") for p in provenances)
frame = pd.concat(frames, ignore_index=True)
write_table(frame, snakemake.output[0], table, seed=snakemake.params.seed, runtime=runtime)
