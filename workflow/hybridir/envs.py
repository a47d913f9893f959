"""Pinned requirements of pyproject.toml and of the conda env files (envs/*.yaml), read one way."""

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def normalise(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): lower case, runs of -_. as one '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pin(requirement: str) -> tuple[str, str | None]:
    """(normalised name, version) of 'name[extras]==version'; version None when not pinned with ==."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(?:==\s*([^\s;]+))?.*", requirement)
    if match is None:
        raise ValueError(f"cannot read requirement {requirement!r}")
    return normalise(match[1]), match[2]


def pyproject_pins(path: Path) -> dict[str, str | None]:
    """{normalised name: version} of every dependency of pyproject.toml, extras included."""
    project = tomllib.loads(path.read_text())["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return dict(requirement_pin(r) for r in requirements)


def env_pins(env: Mapping[str, Any]) -> dict[str, str | None]:
    """{normalised name: version or None} of a conda env file's conda and pip dependencies."""
    pins: dict[str, str | None] = {}
    for dependency in env.get("dependencies") or []:
        if isinstance(dependency, Mapping):
            pins.update(requirement_pin(requirement) for requirement in dependency.get("pip", []))
        else:
            name, _, version = str(dependency).partition("=")
            pins[normalise(name)] = version.lstrip("=").strip() or None
    return pins
