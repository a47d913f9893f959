"""Explicit devices: `auto`, `cuda` or `cpu`, resolved once per job and never silently.

- `cuda` asked for and not usable: a DeviceError that names the config key and what was seen.
- `auto`: logs the device it chose; a job that was given GPUs (by Snakemake resources or by the
  cluster) but sees none logs a warning, because it will run many times slower.
Each stage asks with its own config key (translation.device, training.device, evaluation.device),
which falls back to the top-level `device`.
"""

import importlib.metadata
import json
import logging
import os
import platform
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hybridir.errors import ConfigError

DEVICES = ("auto", "cuda", "cpu")
GPU_ENVIRONMENT = ("CUDA_VISIBLE_DEVICES", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS", "SLURM_GPUS_ON_NODE")
VERSIONED = (
    "torch",
    "transformers",
    "tokenizers",
    "sentence-transformers",
    "ctranslate2",
    "nvidia-cublas-cu12",
    "numpy",
    "pandas",
    "pyarrow",
)


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


def combined_runtime(runtimes: Iterable[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """The runtime of a table gathered from several jobs' tables: theirs when they all agree,
    else {"runs": [each distinct runtime]}; None when none of them recorded one."""
    distinct = {json.dumps(runtime, sort_keys=True): dict(runtime) for runtime in runtimes if runtime is not None}
    if len(distinct) <= 1:
        return next(iter(distinct.values()), None)
    return {"runs": list(distinct.values())}
