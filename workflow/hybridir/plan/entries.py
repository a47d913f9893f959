"""Reading a validated config's lists of named entries (datasets, benchmarks, encoders, ...)."""

import json
from collections.abc import Mapping
from typing import Any


def canonical(section: Any) -> Any:
    """A config section with keys sorted, so that params do not change with key order."""
    return json.loads(json.dumps(section, sort_keys=True))


class Entries:
    """The named entries of one validated config; the base of each part of the plan."""

    def __init__(self, config: Mapping[str, Any]):
        self.config = config

    def names(self, section: str) -> list[str]:
        """Names of the entries of a config list (datasets, benchmarks, ...), in config order."""
        return [entry["name"] for entry in self.config.get(section, [])]

    def entry(self, section: str, name: str) -> dict[str, Any]:
        """The entry called `name` of a config list (`encoders`: training.encoders), in canonical key order."""
        entries = self.config["training"]["encoders"] if section == "encoders" else self.config[section]
        return canonical(next(e for e in entries if e["name"] == name))

    @property
    def benchmarks(self) -> list[str]:
        return self.names("benchmarks")
