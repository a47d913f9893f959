"""The pipeline's configuration: read, merged, validated against its JSON schema (defaults filled
in), and checked for what a schema cannot express (known languages, unique names)."""

import copy
import difflib
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import jsonschema
import yaml

from hybridir.errors import ConfigError
from hybridir.fetch.negatives import check_negatives
from hybridir.languages import NLLB_CODES
from hybridir.locations import check_template_value
from hybridir.schemas import config_schema


def _language_keys(config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (config key, language code) pair of the config."""
    languages = config["languages"]
    yield "languages.source", languages["source"]
    for i, lang in enumerate(languages["train"]):
        yield f"languages.train[{i}]", lang
    for section in ("parallel_datasets", "benchmarks"):
        for i, entry in enumerate(config.get(section, [])):
            for j, lang in enumerate(entry["languages"]):
                yield f"{section}[{i}].languages[{j}] ({entry['name']})", lang


def check_languages(config: Mapping[str, Any]) -> None:
    """Every language code is one the pipeline knows; the source language is trained on."""
    for key, lang in _language_keys(config):
        if lang not in NLLB_CODES:
            raise ConfigError(
                f"config key {key}: unknown language code {lang!r}; allowed: {', '.join(sorted(NLLB_CODES))}"
            )
    languages = config["languages"]
    if languages["source"] not in languages["train"]:
        raise ConfigError(
            f"config key languages.source: {languages['source']!r} must be one of languages.train {languages['train']}"
        )
    for i, entry in enumerate(config.get("parallel_datasets", [])):
        for lang, name in entry.get("lang_names", {}).items():
            check_template_value("lang", name, f"parallel_datasets[{i}].lang_names.{lang} ({entry['name']})")
        unknown = sorted(set(entry.get("lang_names", {})) - set(entry["languages"]))
        if unknown:
            raise ConfigError(
                f"config key parallel_datasets[{i}].lang_names ({entry['name']}): languages "
                f"{unknown} are not in its languages {entry['languages']}"
            )


def _check_unique(names: list[str], key: str) -> None:
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ConfigError(f"config key {key}: duplicate names {duplicates}; each name must be unique")


def check_names(config: Mapping[str, Any]) -> None:
    """Datasets (translated and parallel), benchmarks and encoders have unique names."""
    datasets = [d["name"] for d in config["datasets"]]
    datasets += [d["name"] for d in config.get("parallel_datasets", [])]
    datasets += [d["name"] for d in config.get("validation_datasets", [])]
    _check_unique(datasets, "datasets[].name / parallel_datasets[].name / validation_datasets[].name")
    _check_unique([m["name"] for m in config.get("mined_datasets", [])], "mined_datasets[].name")
    _check_unique([b["name"] for b in config["benchmarks"]], "benchmarks[].name")
    _check_unique([e["name"] for e in config["training"]["encoders"]], "training.encoders[].name")


def check_benchmark_sources(config: Mapping[str, Any]) -> None:
    """Each benchmark's source fits its format: one '{lang}' template or three MIRACL templates."""
    for i, bench in enumerate(config["benchmarks"]):
        key = f"benchmarks[{i}].source ({bench['name']})"
        source = bench["source"]
        if bench["format"] == "miracl":
            if not isinstance(source, Mapping):
                raise ConfigError(f"config key {key}: format miracl needs {{topics, qrels, corpus}}")
            check_template_value("split", bench.get("split", ""), f"benchmarks[{i}].split ({bench['name']})")
            templates = source.values()
        elif isinstance(source, str):
            templates = [source]
        else:
            raise ConfigError(f"config key {key}: format {bench['format']} needs one path or URL")
        for template in templates:
            if "{lang}" not in template:
                raise ConfigError(f"config key {key}: {template!r} must contain '{{lang}}'")
        check_reference(bench, f"benchmarks[{i}].reference ({bench['name']})")


def check_reference(bench: Mapping[str, Any], key: str) -> None:
    """A recovery reference belongs to an mlqa benchmark and is a '{lang}' template."""
    reference = bench.get("reference")
    if reference is None:
        return
    if bench["format"] != "mlqa":
        raise ConfigError(f"config key {key}: only a format mlqa benchmark is compared with a reference")
    if "{lang}" not in reference:
        raise ConfigError(f"config key {key}: {reference!r} must contain '{{lang}}'")


def check_quality_benchmark(config: Mapping[str, Any]) -> None:
    """translation.quality.benchmark names a lareqa benchmark that has the source language."""
    name = config.get("translation", {}).get("quality", {}).get("benchmark")
    if name is None:
        return
    key = "config key translation.quality.benchmark"
    benchmarks = {b["name"]: b for b in config["benchmarks"]}
    if name not in benchmarks:
        raise ConfigError(f"{key}: {name!r} is not a benchmark; known: {', '.join(benchmarks)}")
    bench = benchmarks[name]
    if bench["format"] != "lareqa" or config["languages"]["source"] not in bench["languages"]:
        raise ConfigError(
            f"{key}: {name!r} must be a lareqa-format benchmark that has the source language "
            f"{config['languages']['source']!r} (paragraphs and questions are aligned by id)"
        )


def check_parallel_sources(config: Mapping[str, Any]) -> None:
    """A `rows` or `lareqa` parallel source reads one file (or subset) per language: '{lang}' in its
    source or subset."""
    for i, entry in enumerate(config.get("parallel_datasets", [])):
        if entry.get("format", "rows") == "triples":
            continue
        if "{lang}" not in entry["source"] and "{lang}" not in (entry.get("subset") or ""):
            raise ConfigError(
                f"config key parallel_datasets[{i}].source ({entry['name']}): {entry['source']!r} has no "
                "'{lang}', so every language would read the same rows; put '{lang}' in source or subset"
            )


ARTICLE_FORMATS = {"parallel_datasets": ("lareqa",), "benchmarks": ("lareqa", "mlqa")}


def check_articles(config: Mapping[str, Any]) -> None:
    """`articles: [start, stop]` selects start < stop, on an entry of a SQuAD-format file."""
    for section, formats in ARTICLE_FORMATS.items():
        for i, entry in enumerate(config.get(section, [])):
            articles = entry.get("articles")
            if articles is None:
                continue
            key = f"config key {section}[{i}].articles ({entry['name']})"
            if entry.get("format", "rows") not in formats:
                raise ConfigError(f"{key}: only a format {' or '.join(formats)} entry selects articles")
            if articles[0] >= articles[1]:
                raise ConfigError(f"{key}: {articles} selects no article; expected [start, stop] with start < stop")


def check_training_data(config: Mapping[str, Any]) -> None:
    """Something to train on: a QA dataset or an already-parallel one."""
    if not config["datasets"] and not config.get("parallel_datasets"):
        raise ConfigError("config keys datasets / parallel_datasets: both are empty; training needs one of them")


def check_translation_model(config: Mapping[str, Any]) -> None:
    """A translation model is named whenever something is translated."""
    if config["translation"].get("model"):
        return
    source = config["languages"]["source"]
    targets = [lang for lang in config["languages"]["train"] if lang != source]
    translated = [d["name"] for d in config["datasets"] if d.get("translate", True)] if targets else []
    if translated:
        raise ConfigError(
            f"config key translation.model: required, because datasets {translated} are translated into {targets}"
        )
    if config["translation"].get("quality", {}).get("benchmark"):
        raise ConfigError("config key translation.model: required, because translation.quality.benchmark is set")


def check_config(config: Mapping[str, Any]) -> None:
    """All checks beyond the JSON schema; raises ConfigError naming the offending key."""
    check_languages(config)
    check_names(config)
    check_benchmark_sources(config)
    check_parallel_sources(config)
    check_articles(config)
    check_training_data(config)
    check_translation_model(config)
    check_quality_benchmark(config)
    check_negatives(config)


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


def validate_config(config: dict[str, Any]) -> dict[str, Any]:
    """Fill in the schema's defaults (in place), validate, run check_config; returns `config`."""
    validator = _with_defaults(jsonschema.Draft202012Validator)(config_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        raise ConfigError(schema_error_message(error))
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
