"""Explicit devices: `auto`, `cuda` or `cpu`, resolved once per job and never silently.

- `cuda` asked for and not usable: a DeviceError that names the config key and what was seen.
- `auto`: logs the device it chose; a job that was given GPUs (by Snakemake resources or by the
  cluster) but sees none logs a warning, because it will run many times slower.
Each stage asks with its own config key (translation.device, training.device, evaluation.device),
which falls back to the top-level `device`.
"""

import importlib.metadata
import logging
import os
import platform
from collections.abc import Callable, Mapping
from typing import Any

from hybridir.errors import ConfigError

DEVICES = ("auto", "cuda", "cpu")
GPU_ENVIRONMENT = ("CUDA_VISIBLE_DEVICES", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS", "SLURM_GPUS_ON_NODE")
VERSIONED = ("torch", "transformers", "sentence-transformers", "ctranslate2", "numpy", "pandas", "pyarrow")


class DeviceError(ConfigError):
    """A device was asked for and cannot be used."""


def stage_device(config: Mapping[str, Any], section: str) -> str:
    """The device setting of a stage: `<section>.device`, else the top-level `device` (auto)."""
    own = config.get(section, {}).get("device")
    return own if own is not None else config.get("device", "auto")


def gpus_given(requested: int = 0, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this job was given GPUs: by its Snakemake resources, or by the cluster's environment."""
    if requested > 0:
        return True
    return any(environ.get(name, "") not in ("", "-1", "NoDevFiles") for name in GPU_ENVIRONMENT)


def resolve_device(
    setting: str,
    key: str,
    cuda_usable: Callable[[], tuple[bool, str]],
    requested_gpus: int = 0,
) -> str:
    """'cuda' or 'cpu' for a device setting of config key `key`.

    `cuda_usable` returns (usable, what was seen), e.g. (False, "torch sees no CUDA device").
    """
    if setting not in DEVICES:
        raise ConfigError(f"config key {key}: {setting!r} is not a device; allowed: {', '.join(DEVICES)}")
    if setting == "cpu":
        logging.info("%s: running on the CPU (set to cpu)", key)
        return "cpu"
    usable, seen = cuda_usable()
    if setting == "cuda":
        if not usable:
            raise DeviceError(f"config key {key} is 'cuda' but no GPU is usable: {seen}")
        logging.info("%s: running on CUDA (%s)", key, seen)
        return "cuda"
    if usable:
        logging.info("%s: auto chose CUDA (%s)", key, seen)
        return "cuda"
    if gpus_given(requested_gpus):
        logging.warning(
            "%s: this job was given a GPU but runs on the CPU (%s); it will be many times slower. "
            "Set %s: cuda to make this an error.",
            key,
            seen,
            key,
        )
    else:
        logging.info("%s: auto chose the CPU (%s)", key, seen)
    return "cpu"


def torch_cuda() -> tuple[bool, str]:
    """Whether torch can use a CUDA device, and what it sees."""
    import torch

    if not torch.cuda.is_available():
        return False, f"torch {torch.__version__} sees no CUDA device"
    return True, f"{torch.cuda.device_count()} device(s), first {torch.cuda.get_device_name(0)}"


def library_versions() -> dict[str, str]:
    """Versions of Python and of the installed libraries that shape results."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def runtime_info(device: str, dtype: str) -> dict[str, Any]:
    """What a job ran on: device, dtype and library versions (logged and stored with its outputs)."""
    info = {"device": device, "dtype": dtype, "versions": library_versions()}
    logging.info("runtime: %s", info)
    return info


def to_device(tensor: Any, device: str) -> Any:
    """A torch tensor on `device`: to CUDA through pinned memory with a non-blocking copy (the host
    goes on while it transfers; work queued after it on the device waits for it), else as is."""
    import torch

    if tensor.device == torch.device(device):
        return tensor
    if torch.device(device).type == "cuda":
        return tensor.pin_memory().to(device, non_blocking=True)
    return tensor.to(device)
