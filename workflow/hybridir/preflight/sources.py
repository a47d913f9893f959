"""What a config reads (every concrete source of every entry), and where each source is checked."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hybridir.locations import fill_template, is_file_source, is_remote
from hybridir.plan.data import PLAIN_FILE_FORMATS, template_values
from hybridir.preflight.checks import OFFLINE, check_fsspec, check_local, check_url
from hybridir.preflight.hub import Hub, check_hf_path, check_hub_dataset


@dataclass(frozen=True)
class Source:
    """One concrete source a config entry reads: a path, URL, fsspec chain or Hub id."""

    entry: str
    what: str
    location: str
    subset: str | None = None
    plain: bool = False  # a local file whatever its suffix (PLAIN_FILE_FORMATS)


def _fill(template: str, entry: str, lang: str, split: str = "") -> str:
    """A source template of config entry `entry` for one language (as named in the source) and split."""
    return fill_template(template, entry, lang=lang, split=split)


def qa_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for section in ("datasets", "validation_datasets"):
        for spec in config.get(section, []):
            entry = f"{section}[{spec['name']}]"
            if spec.get("format") == "beir":
                for kind, template in spec["source"].items():
                    yield Source(entry, kind, _fill(template, entry, "", spec["split"]))
            else:
                yield Source(entry, "source", spec["source"], spec.get("subset"))


def mined_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("mined_datasets", []):
        for kind, location in spec["source"].items():
            yield Source(f"mined_datasets[{spec['name']}]", kind, location)


def parallel_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("parallel_datasets", []):
        entry = f"parallel_datasets[{spec['name']}]"
        for lang in spec["languages"]:
            name = spec.get("lang_names", {}).get(lang, lang)
            if spec.get("format") == "triples":
                for kind in ("queries", "passages"):
                    yield Source(entry, f"{kind} ({lang})", _fill(spec["source"][kind], entry, name))
            else:
                subset = _fill(spec["subset"], entry, name) if spec.get("subset") else None
                yield Source(entry, f"source ({lang})", _fill(spec["source"], entry, name), subset)
        if spec.get("format") == "triples":
            yield Source(entry, "triples", spec["source"]["triples"])


def benchmark_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("benchmarks", []):
        entry = f"benchmarks[{spec['name']}]"
        templates = spec["source"] if isinstance(spec["source"], Mapping) else {"source": spec["source"]}
        if spec.get("reference"):
            templates = {**templates, "reference": spec["reference"]}
        plain = spec.get("format") in PLAIN_FILE_FORMATS
        for lang in spec["languages"]:
            values = template_values({**spec, "languages": [lang]})
            for kind, template in templates.items():
                filled = dict.fromkeys(fill_template(template, entry, **v) for v in values)
                yield from (Source(entry, f"{kind} ({lang})", location, plain=plain) for location in filled)


def config_sources(config: Mapping[str, Any]) -> list[Source]:
    """Every concrete source of the config, each (entry, location) once."""
    found = [*qa_sources(config), *mined_sources(config), *parallel_sources(config), *benchmark_sources(config)]
    unique: dict[tuple[str, str], Source] = {}
    for source in found:
        unique.setdefault((source.entry, source.location), source)
    return list(unique.values())


def config_models(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(config key, model) of the translation model and every encoder."""
    models = [("translation.model", config["translation"]["model"])]
    models += [(f"training.encoders[{e['name']}]", e["model"]) for e in config["training"]["encoders"]]
    return models


def check_location(
    location: str, subset: str | None, made_by: Mapping[str, str], hub: Hub, offline: bool, plain: bool = False
) -> tuple[str, str]:
    """(status, why) of one source: a local file, an URL, a chain, an hf:// path or a Hub id;
    `plain`: a local path is a file whatever its suffix."""
    if "::" in location:
        status, why = check_location(location.split("::")[-1], None, made_by, hub, offline)
        return status, f"outer file: {why} (member not opened)"
    if not is_remote(location) and (plain or is_file_source(location)):
        return check_local(location, made_by)
    on_hub = location.startswith("hf://") or not is_remote(location)
    if offline or (on_hub and hub.offline):
        return OFFLINE, "--offline" if offline else "HF_HUB_OFFLINE is set"
    if location.startswith(("http://", "https://")):
        return check_url(location)
    if location.startswith("hf://"):
        return check_hf_path(hub, location)
    if not is_remote(location):
        return check_hub_dataset(hub, location, subset)
    return check_fsspec(location)
