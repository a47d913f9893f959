"""The JSON schemas of config.yaml and of every table, wherever the library is installed."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hybridir.errors import DataError


def schema_dir() -> Path:
    """Folder of the JSON schemas: inside the installed package, else the repository's."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / "tables").is_dir():
            return candidate
    raise FileNotFoundError(f"no schemas/tables folder next to {here}")


@cache
def table_schema(table: str) -> dict[str, Any]:
    """The JSON schema of one row of `table` (workflow/schemas/tables/<table>.schema.json)."""
    path = schema_dir() / "tables" / f"{table}.schema.json"
    if not path.is_file():
        raise DataError(f"unknown table {table!r}: no schema at {path}")
    return json.loads(path.read_text())


def config_schema() -> dict[str, Any]:
    """The JSON schema of config.yaml (workflow/schemas/config.schema.yaml)."""
    return yaml.safe_load((schema_dir() / "config.schema.yaml").read_text())


@cache
def _parsed_config_schema() -> dict[str, Any]:
    return config_schema()


def config_defaults(section: str) -> dict[str, Any]:
    """The schema's default of every key of a config section that has one (e.g. `training`): what
    validation fills in, for callers that build settings without a config (tests, perf)."""
    properties = _parsed_config_schema()["properties"][section]["properties"]
    return {key: copy.deepcopy(spec["default"]) for key, spec in properties.items() if "default" in spec}
