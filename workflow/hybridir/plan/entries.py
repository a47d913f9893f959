"""Reading a validated config's lists of named entries (datasets, benchmarks, encoders, ...)."""

import json
from collections.abc import Mapping
from typing import Any

# entry keys that no fetch job reads: a label for the report, what the translate stage does with a
# benchmark's queries
NOT_READ = ("domain", "translate_queries")


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

    def source_entry(self, section: str, name: str) -> dict[str, Any]:
        """An entry as its fetch job reads it (a job param): without the keys that change nothing it
        reads (NOT_READ), so that labelling a dataset or benchmark reruns no fetch job."""
        return {key: value for key, value in self.entry(section, name).items() if key not in NOT_READ}

    @property
    def benchmarks(self) -> list[str]:
        return self.names("benchmarks")

    def domain(self, section: str, name: str) -> str | None:
        """The `domain` label of an entry (None: unlabelled)."""
        return self.entry(section, name).get("domain")

    # --- training mixtures ---

    @property
    def mixtures(self) -> list[str | None]:
        """The names of training.mixtures, or [None]: the default mixture of every dataset."""
        return [m["name"] for m in self.config["training"].get("mixtures") or []] or [None]

    def mixture_datasets(self, mixture: str | None) -> list[str]:
        """The datasets (and parallel datasets) a mixture trains on, in config order (None: all)."""
        every = self.names("datasets") + self.names("parallel_datasets")
        if mixture is None:
            return every
        (chosen,) = [m["datasets"] for m in self.config["training"]["mixtures"] if m["name"] == mixture]
        return [name for name in every if name in chosen]
