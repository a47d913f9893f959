"""One launcher for a training run of 1..N processes, however the pipeline runs: from a checkout
(the library on PYTHONPATH), an installed package, or a conda env without hybridir installed.

One process runs in this interpreter; N > 1 run under torchrun (`--standalone`: a free rendezvous
port on this node, so several training jobs can share a node), each worker importing the same
copy of the library as the launcher, through PYTHONPATH.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import torch

import hybridir
from hybridir.errors import ConfigError
from hybridir.train import run
from hybridir.train.options import TrainingJob

LIBRARY_ROOT = str(Path(hybridir.__file__).resolve().parents[1])


def worker_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of torchrun's workers: this library's folder first on PYTHONPATH."""
    environ = dict(os.environ if environ is None else environ)
    paths = [LIBRARY_ROOT, *(p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != LIBRARY_ROOT)]
    environ["PYTHONPATH"] = os.pathsep.join(paths)
    return environ


def torchrun_command(job: str | os.PathLike, processes: int) -> list[str]:
    """The torchrun command line of `processes` workers running hybridir.train.run on job file `job`."""
    launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(processes)]
    return [*launcher, "-m", "hybridir.train.run", str(job)]


def check_processes(processes: int, device: str, gpus: int) -> None:
    """A run of `processes` processes fits the node: one GPU each unless the device is the CPU."""
    if processes < 1:
        raise ConfigError(f"config key training.processes: {processes}; expected a count >= 1")
    if device != "cpu" and (gpus or device == "cuda") and processes > max(gpus, 1):
        raise ConfigError(
            f"config key training.processes: {processes} processes, but this job sees {gpus} GPU(s) (training.device "
            f"{device}); ask for as many GPUs as processes, or lower training.processes"
        )


def launch(job: TrainingJob, path: str | os.PathLike) -> None:
    """Write `job` to `path` (the run's options.json) and run it with job.processes processes."""
    check_processes(job.processes, job.device, torch.cuda.device_count())
    job.write(path)
    if job.processes == 1:
        run.train(job)
        return
    logging.info("launching %d training processes with torchrun", job.processes)
    subprocess.run(torchrun_command(path, job.processes), check=True, stderr=sys.stderr, env=worker_environment())
