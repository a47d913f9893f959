"""Train one (encoder, strategy, alpha, seed) run; several processes go through torchrun.

The checkpoint and TensorBoard logs live beside the outputs in the run folder, so a rerun after
a killed job resumes from the last checkpoint.
"""

import json
import subprocess
import sys
from pathlib import Path

from hybridir.logs import log_to
from hybridir.train import run

log_to(snakemake.log[0])
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
if params.processes == 1:
    run.main(argv)
else:
    launcher = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(params.processes)]
    subprocess.run([*launcher, "-m", "hybridir.train.run", *argv], check=True, stderr=sys.stderr)
