"""Train one (encoder, strategy, alpha, seed) run with training.processes processes (hybridir.train.launch).

The job file (options.json), checkpoint and TensorBoard logs live beside the outputs in the run
folder, so a rerun after a killed job resumes from the last checkpoint.
"""

from pathlib import Path

from hybridir.logs import log_to
from hybridir.train.launch import launch
from hybridir.train.options import TrainingJob, TrainingOptions

log_to(snakemake.log[0], snakemake.rule)
params, inputs = snakemake.params, snakemake.input
folder = Path(params.run_dir)
job = TrainingJob(
    encoder=params.encoder,
    model=params.model,
    options=TrainingOptions(**params.options),
    languages=list(params.languages),
    device=params.device,
    processes=params.processes,
    corpus=list(inputs.corpus),
    validation=inputs.validation[0] if inputs.validation else None,
    output=snakemake.output.model,
    checkpoint=str(folder / "checkpoint.pt"),
    training_log=snakemake.output.log,
    tensorboard=str(folder / "tensorboard"),
)
launch(job, folder / "options.json")
