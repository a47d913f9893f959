"""Write the synthetic demo sources (see hybridir.demo)."""

from pathlib import Path

from hybridir.demo.data import write_demo_data
from hybridir.logs import log_to

log_to(snakemake.log[0], snakemake.rule)
write_demo_data(Path(snakemake.output[0]).parents[1], snakemake.params.seed)
