"""The pipeline's configuration: read, merged, validated against its JSON schema (defaults filled
in), and checked for what a schema cannot express (hybridir.config_checks: known languages, unique
names, run names)."""

import copy
import difflib
import os
from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema
import yaml

from hybridir.config_checks import check_config
from hybridir.errors import ConfigError
from hybridir.languages import LANGUAGE_SETS
from hybridir.schemas import config_schema


def _with_defaults(validator_class: type) -> type:
    """A validator class that fills in each property's schema default before validating it."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def config_key(path: Iterable[str | int]) -> str:
    """A config key as users write it: datasets[0].fields.question."""
    key = ""
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else f".{part}" if key else str(part)
    return key or "(top level)"


def did_you_mean(value: Any, allowed: Iterable[Any]) -> str:
    """' (did you mean X?)' for the allowed value closest to `value`, or ''."""
    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def schema_error_message(error: jsonschema.ValidationError) -> str:
    """One line for a schema violation: the offending key, what is allowed, and a likely fix."""
    key = config_key(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        prefix = f"{key}." if error.absolute_path else ""
        return "; ".join(
            f"config key {prefix}{name}: unknown key{did_you_mean(name, allowed)}; allowed here: {', '.join(allowed)}"
            for name in unknown
        )
    if error.validator == "enum":
        allowed = error.validator_value
        choices = ", ".join(str(a) for a in allowed)
        hint = did_you_mean(error.instance, allowed)
        return f"config key {key}: {error.instance!r} is not allowed{hint}; allowed: {choices}"
    return f"config key {key}: {error.message}"


def expand_language_sets(config: dict[str, Any]) -> None:
    """Replace a benchmark's named language set (`languages: xtreme_r`) by its languages, in place;
    only a tatoeba entry names one (hybridir.languages.LANGUAGE_SETS)."""
    for i, bench in enumerate(config["benchmarks"]):
        if isinstance(bench["languages"], str):
            if bench["format"] != "tatoeba":
                raise ConfigError(
                    f"config key benchmarks[{i}].languages ({bench['name']}): the named set {bench['languages']!r} "
                    "is a tatoeba entry's; list the languages"
                )
            bench["languages"] = list(LANGUAGE_SETS[bench["languages"]])


def validate_config(config: dict[str, Any]) -> dict[str, Any]:
    """Fill in the schema's defaults (in place), validate, expand named language sets, run
    check_config; returns `config`."""
    validator = _with_defaults(jsonschema.Draft202012Validator)(config_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        raise ConfigError(schema_error_message(error))
    expand_language_sets(config)
    check_config(config)
    return config


def merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """`update` over `base` as Snakemake merges --configfile: nested mappings merge, other values replace."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_config(*paths: str | os.PathLike) -> dict[str, Any]:
    """Read config files, later ones merged over earlier ones, and validate the result."""
    config: dict[str, Any] = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            content = yaml.safe_load(handle) or {}
        if not isinstance(content, Mapping):
            raise ConfigError(f"{path}: a config file must be a YAML mapping, got {type(content).__name__}")
        config = merge(config, content)
    return validate_config(config)


def training_seeds(config: Mapping[str, Any]) -> list[int]:
    """The seeds of the training runs: training.seeds, or the top-level seed where it is null."""
    return list(config["training"]["seeds"] or [config["seed"]])
