"""The settings of config `evaluation` that change what the encode jobs write, without importing
torch: the plan passes them to those jobs (so a change reruns them), hybridir.evaluate.encode
uses them. Choices and defaults: workflow/schemas/config.schema.yaml; `max_length` unset (null)
is `training.max_passage_length`, here and nowhere else, so that every run of an encoder, trained
or untrained, is evaluated at the length it was trained at."""

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from hybridir.schemas import config_defaults

SHARD_ROWS = 65536


@dataclass(frozen=True)
class EncodingOptions:
    """Encoding settings of config `evaluation`, and the rows per vector shard (not a config key)."""

    max_batch_tokens: int
    candidate_context: bool
    max_length: int
    dtype: str
    vector_dtype: str
    shard_rows: int = SHARD_ROWS

    @classmethod
    def from_config(cls, evaluation: Mapping[str, Any], training: Mapping[str, Any]) -> "EncodingOptions":
        """The options of a validated config's `evaluation` and `training` sections (defaults
        filled in): `encoding_settings`."""
        return cls(**encoding_settings(evaluation, training))

    @classmethod
    def from_schema(cls, **overrides: Any) -> "EncodingOptions":
        """The schema's defaults with `overrides` (for code that has no config: tests, perf/)."""
        shard_rows = overrides.pop("shard_rows", SHARD_ROWS)
        unknown = sorted(set(overrides) - set(ENCODING_KEYS))
        if unknown:
            raise TypeError(f"EncodingOptions has no {', '.join(unknown)}")
        options = cls.from_config(config_defaults("evaluation") | overrides, config_defaults("training"))
        return replace(options, shard_rows=shard_rows)


ENCODING_KEYS = tuple(f.name for f in fields(EncodingOptions) if f.name != "shard_rows")


def encoding_settings(evaluation: Mapping[str, Any], training: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of config `evaluation` that change what encode jobs write, `max_length`
    resolved: the user's value, else `training.max_passage_length`."""
    settings = {key: evaluation[key] for key in ENCODING_KEYS}
    if settings["max_length"] is None:
        settings["max_length"] = training["max_passage_length"]
    return settings
