"""Checks of a validated config's training mixtures (training.mixtures) and beir benchmarks (whose
queries the translation stage can translate): the training-data and domain studies' part of
hybridir.config_checks. Each raises a ConfigError naming the offending key."""

from collections.abc import Mapping
from typing import Any

from hybridir.errors import ConfigError


def check_beir_languages(bench: Mapping[str, Any], key: str) -> None:
    """A beir benchmark has one language (BEIR's files name none; its source's parts are checked
    with every format's, hybridir.config_checks.SOURCE_TEMPLATES)."""
    if len(bench["languages"]) != 1:
        raise ConfigError(
            f"config key {key}.languages ({bench['name']}): a beir benchmark has one language (its corpus and "
            f"queries), got {bench['languages']}; translate_queries adds query languages"
        )


def check_translated_queries(bench: Mapping[str, Any], key: str) -> None:
    """translate_queries: a beir benchmark's, into languages other than its own."""
    languages = bench.get("translate_queries", [])
    if not languages:
        return
    where = f"config key {key}.translate_queries ({bench['name']})"
    if bench["format"] != "beir":
        raise ConfigError(f"{where}: only a format beir benchmark has its queries machine-translated")
    if set(languages) & set(bench["languages"]):
        raise ConfigError(f"{where}: {languages} holds the benchmark's own language {bench['languages']}")


def mixture_datasets(config: Mapping[str, Any]) -> list[str]:
    """The training datasets a mixture can name: datasets and parallel_datasets, in config order."""
    return [d["name"] for d in config["datasets"]] + [d["name"] for d in config.get("parallel_datasets", [])]


def check_mixtures(config: Mapping[str, Any]) -> None:
    """training.mixtures have names of their own and name known datasets; every dataset is in one
    (a dataset that no run reads would be fetched and translated for nothing)."""
    mixtures = config["training"].get("mixtures")
    if not mixtures:
        return
    names = [m["name"] for m in mixtures]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigError(f"config key training.mixtures[].name: duplicate names {repeated}; each name must be unique")
    known = mixture_datasets(config)
    for i, mixture in enumerate(mixtures):
        unknown = [name for name in mixture["datasets"] if name not in known]
        if unknown:
            raise ConfigError(
                f"config key training.mixtures[{i}].datasets ({mixture['name']}): {unknown} are not datasets or "
                f"parallel_datasets; known: {', '.join(known)}"
            )
    used = {name for mixture in mixtures for name in mixture["datasets"]}
    unused = [name for name in known if name not in used]
    if unused:
        raise ConfigError(
            f"config key training.mixtures: datasets {unused} are in no mixture, so no run would train on them; "
            "add them to a mixture or remove them"
        )
