"""Train one (encoder, strategy, alpha, seed) run with training.processes processes (hybridir.train.launch).

The checkpoint and TensorBoard logs live beside the outputs in the run folder, so a rerun after
a killed job resumes from the last checkpoint.
"""

import json
from pathlib import Path

from hybridir.logs import log_to
from hybridir.train.launch import launch

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
folder = Path(params.run_dir)
folder.mkdir(parents=True, exist_ok=True)
options = folder / "options.json"
options.write_text(json.dumps(params.options, indent=1, sort_keys=True))
encoder = params.encoder
argv = [
    "--model", params.model,
    "--pooling", encoder["pooling"],
    *(["--trust-remote-code"] if encoder["trust_remote_code"] else []),
    "--corpus", *snakemake.input.corpus,
    *(["--validation", snakemake.input.validation[0]] if snakemake.input.validation else []),
    "--languages", *params.languages,
    "--options", str(options),
    "--device", params.device,
    "--output", snakemake.output.model,
    "--checkpoint", str(folder / "checkpoint.pt"),
    "--training-log", snakemake.output.log,
    "--tensorboard", str(folder / "tensorboard"),
]  # fmt: skip
launch(argv, params.processes, params.device)
