"""Training and validation loss curves of every training run."""

from hybridir.logs import log_to
from hybridir.report.figures import base, curves
from hybridir.tables import read_table

log_to(snakemake.log[0], snakemake.rule)
logs = {
    tuple(key): read_table(path, "training_log")
    for key, path in zip(snakemake.params.runs, snakemake.input, strict=True)
}
base.save(curves.training_curves(logs), snakemake.output.png, snakemake.output.pdf)
