"""A study's config in miniature: the override (a second --configfile) that shrinks a study of
studies/ to the demo's scale, offline, without changing what it compares.

Kept from the study: every benchmark's name, format and domain, the training mixtures, the
encoders' names and pooling, alphas and every comparison. Replaced: each training dataset by a
stand-in of its kind (the demo's translated QA facts, its English-only QA set, its parallel set,
a BEIR split written here; a mixture holds the stand-ins of its datasets, so mixtures still
differ where the study's do), benchmark sources by files of the same format (the demo's, and BEIR
and Mewsli-X folders written here), the languages by the demo's (en, de trained; es never seen;
sw, Joshi class 2, in the MIRACL-format benchmark), every model by the demo's tiny ones, the
strategies by those the comparisons name, one seed and few steps. A comparison's Joshi class
that the demo's languages do not have becomes the benchmark's last language alone (a group of its
own), so every comparison is made.
"""

from pathlib import Path
from typing import Any

import yaml

from hybridir import resources
from hybridir.vocabulary import JOSHI_CLASS, LANGUAGE, class_name
from tests.support.beir import beir_source, town_records, write_beir
from tests.support.formats import write_mewsli_like

TRAIN = ["en", "de"]
LANGUAGES = {"lareqa": ["en", "de", "es"], "miracl": ["en", "de", "es", "sw"], "tatoeba": ["de", "es"]}
LANGUAGES |= {"mmarco": ["en", "de", "es"], "mewsli_x": ["en", "de", "es"], "beir": ["en"]}
TRAINING_KEYS = ("steps", "batch_size", "learning_rate", "max_passage_length", "eval_steps", "checkpoint_steps")


def _demo(workflow: Path) -> dict[str, Any]:
    return yaml.safe_load((workflow / "profiles" / "demo" / "pipeline.yaml").read_text())


def _by_format(demo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {bench["format"]: bench for bench in demo["benchmarks"]}


def _kind(entry: dict[str, Any]) -> str:
    """A training dataset's kind: beir, english_only (translate: false), parallel or translated."""
    if entry.get("format") == "beir":
        return "beir"
    if "languages" in entry:
        return "parallel"
    return "english_only" if entry.get("translate") is False else "translated"


def _stand_ins(demo: dict[str, Any], beir: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The miniature's dataset of each kind (a parallel one is in parallel_datasets)."""
    qa = {d["name"]: d for d in demo["datasets"]}
    return {
        "translated": qa["facts"],
        "english_only": qa["english_only"],
        "parallel": demo["parallel_datasets"][0] | {"languages": TRAIN},
        "beir": {"name": "beir_train", "format": "beir", "domain": "finance", "split": "train", "source": beir},
    }


def _mixtures(study: dict[str, Any], kinds: dict[str, str], stand_ins: dict[str, dict]) -> list[dict[str, Any]]:
    """The study's mixtures, each holding the stand-ins of its datasets."""
    return [
        {"name": m["name"], "datasets": list(dict.fromkeys(stand_ins[kinds[d]]["name"] for d in m["datasets"]))}
        for m in study["training"].get("mixtures") or []
    ]


def _benchmark(entry: dict[str, Any], demo: dict[str, Any], data: Path) -> dict[str, Any]:
    """A benchmark of the same name, format and domain on files of that format."""
    kept = {k: entry[k] for k in ("name", "format", "domain", "settings") if k in entry}
    languages = LANGUAGES[entry["format"]]
    if entry["format"] == "beir":
        folder = write_beir(data / entry["name"], records=town_records(24, len(entry["name"])))
        source = {"source": beir_source(folder), "split": "test", "translate_queries": ["de"]}
        return kept | source | {"languages": languages}
    if entry["format"] == "mewsli_x":
        return write_mewsli_like(data / entry["name"]) | kept | {"limit": 4}
    demo_entry = {k: v for k, v in _by_format(demo)[entry["format"]].items() if k not in ("name", "settings")}
    return demo_entry | kept | {"languages": languages}


def _group(comparison: dict[str, Any], benchmark: dict[str, Any]) -> dict[str, Any]:
    """The comparison with a language group that the miniature benchmark has: a Joshi class that
    none of its languages has becomes its last language alone (a group of its own, so that no two
    comparisons become one)."""
    group = comparison.get("languages")
    if not group or group["grouping"] != JOSHI_CLASS:
        return comparison
    present = {class_name(resources.language(lang).joshi_class) for lang in benchmark["languages"]}
    if group["group"] in present:
        return comparison
    return comparison | {"languages": {"grouping": LANGUAGE, "group": benchmark["languages"][-1]}}


def miniature(study: dict[str, Any], workflow: Path, data: Path) -> dict[str, Any]:
    """The override of `study` (a loaded studies/<name>/config.yaml) for a copy of the workflow in
    `workflow`, its benchmark files written under `data`."""
    demo = _demo(workflow)
    stand_ins = _stand_ins(demo, beir_source(write_beir(data / "beir_train", records=town_records(24, 5))))
    entries = study["datasets"] + study.get("parallel_datasets", [])
    kinds = {entry["name"]: _kind(entry) for entry in entries}
    used = [stand_ins[kind] for kind in dict.fromkeys(kinds.values())]
    named = {c[key] for c in study["study"]["comparisons"] for key in ("strategy", "against")}
    benchmarks = [_benchmark(entry, demo, data) for entry in study["benchmarks"]]
    by_name = {b["name"]: b for b in benchmarks}
    training = study["training"]
    encoders = [
        {"name": e["name"], "model": demo["training"]["encoders"][0]["model"]}
        | ({"pooling": e["pooling"]} if "pooling" in e else {})
        for e in training["encoders"]
    ]
    quality = next((b["name"] for b in study["benchmarks"] if b["format"] == "lareqa"), None)
    return {
        "seed": demo["seed"],
        "languages": {"source": "en", "train": TRAIN},
        "datasets": [d for d in used if d is not stand_ins["parallel"]],
        "mined_datasets": [],
        "parallel_datasets": [d for d in used if d is stand_ins["parallel"]],
        "benchmarks": benchmarks,
        "translation": demo["translation"] | {"shards": 1, "quality": {"benchmark": quality}},
        "validation_datasets": demo["validation_datasets"],
        "training": {k: demo["training"][k] for k in TRAINING_KEYS}
        | {"strategies": [name for name in training["strategies"] if name in named], "alpha": training["alpha"]}
        | {"mixtures": _mixtures(study, kinds, stand_ins) or None, "encoders": encoders, "seeds": [demo["seed"]]},
        "evaluation": demo["evaluation"] | {"zero_shot": False, "resamples": 200},
        "study": study["study"]
        | {"comparisons": [_group(c, by_name[c["benchmark"]]) for c in study["study"]["comparisons"]]},
    }
