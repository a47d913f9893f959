"""Checks of local files, URLs, other fsspec locations, env files and devices: (status, why)."""

import glob
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fsspec
import yaml

from hybridir.devices import DeviceError, resolve_device, stage_device
from hybridir.envs import env_pins
from hybridir.torch_devices import torch_cuda

READY, NOT_READY, OFFLINE = "ready", "not ready", "not checked offline"
CONDA_ONLY = ("python", "pip")


def check_local(path: str, made_by: Mapping[str, str]) -> tuple[str, str]:
    """A local file or glob: exists and is readable, or a rule of the workflow makes it."""
    rule = made_by.get(os.path.normpath(path))
    if rule:
        return READY, f"made by rule {rule}"
    if any(c in path for c in "*?["):
        matches = glob.glob(path)
        return (READY, f"{len(matches)} files match") if matches else (NOT_READY, "no file matches the glob")
    if not os.path.exists(path):
        return NOT_READY, "file not found (and no rule of the workflow makes it)"
    if not os.access(path, os.R_OK):
        return NOT_READY, "not readable"
    return READY, f"local file, {_size(os.path.getsize(path))}"


def _size(size: int | str) -> str:
    """A byte count in MB (decimal), as the Hub and most servers show sizes."""
    return f"{int(size) / 1e6:.1f} MB"


def check_url(url: str, timeout: float = 30) -> tuple[str, str]:
    """An http(s) URL answers HEAD (or, where HEAD is refused, a one-byte ranged GET)."""
    attempts = [("HEAD", {}), ("GET", {"Range": "bytes=0-0"})]
    for method, headers in attempts:
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "hybridir-preflight", **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length") if method == "HEAD" else None
                return READY, f"HTTP {response.status} to {method}" + (f", {_size(length)}" if length else "")
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return NOT_READY, f"HTTP {error.code} {error.reason}"
        except (urllib.error.URLError, OSError) as error:
            return NOT_READY, f"unreachable: {getattr(error, 'reason', error)}"
    return NOT_READY, "refused HEAD and ranged GET"


def check_fsspec(location: str) -> tuple[str, str]:
    """Any other fsspec protocol (s3://, gs://, ...): the file exists."""
    try:
        fs, path = fsspec.core.url_to_fs(location)
        return (READY, "exists") if fs.exists(path) else (NOT_READY, "file not found")
    except ImportError as error:
        return NOT_READY, f"the protocol needs a package that is not installed: {error}"


def check_env(path: Path, reference: Mapping[str, str | None]) -> tuple[str, str]:
    """An env file parses, pins every pip package with ==, and agrees with pyproject.toml."""
    try:
        env = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        return NOT_READY, f"cannot be read as YAML: {error}"
    if not isinstance(env, Mapping):
        return NOT_READY, "not a conda environment mapping"
    pins = env_pins(env)
    unpinned = [name for name, version in pins.items() if version is None and name not in CONDA_ONLY]
    if unpinned:
        return NOT_READY, f"packages without an == pin: {', '.join(unpinned)}"
    disagree = [f"{n}=={v} (pyproject.toml: {reference[n]})" for n, v in pins.items() if reference.get(n, v) != v]
    if disagree:
        return NOT_READY, f"pins disagree with pyproject.toml: {'; '.join(disagree)}"
    return READY, f"{len(pins)} pins, agreeing with pyproject.toml"


def check_device(config: Mapping[str, Any], section: str) -> tuple[str, str]:
    """The stage's device setting resolves on this machine."""
    key = f"{section}.device"
    setting = stage_device(config, section)
    try:
        device = resolve_device(setting, key, torch_cuda)
    except DeviceError as error:
        return NOT_READY, f"{error} (run the preflight where the jobs run, e.g. in a GPU allocation)"
    seen = torch_cuda()[1]
    return READY, f"{setting} -> {device} ({seen})"
