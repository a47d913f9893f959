"""Checks of a validated config for what its JSON schema cannot express: known languages, unique
names, sources that fit their format, training mixtures of known datasets, something to train on
and translate with, and run names of their own. Each raises a ConfigError naming the offending key."""

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from hybridir.config_mixtures import check_beir_benchmark, check_mixtures, check_translated_queries
from hybridir.errors import ConfigError
from hybridir.languages import NLLB_CODES
from hybridir.locations import check_template_value
from hybridir.vocabulary import Run, alpha_strategies, alpha_text, strategy


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
    for i, entry in enumerate(config["benchmarks"]):
        for j, lang in enumerate(entry.get("translate_queries", [])):
            yield f"benchmarks[{i}].translate_queries[{j}] ({entry['name']})", lang


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
    """Each benchmark's source fits its format: one '{lang}' template, three MIRACL templates or the
    three files of a BEIR benchmark."""
    for i, bench in enumerate(config["benchmarks"]):
        key = f"benchmarks[{i}].source ({bench['name']})"
        source = bench["source"]
        check_translated_queries(bench, f"benchmarks[{i}]")
        if bench["format"] == "beir":
            check_beir_benchmark(bench, f"benchmarks[{i}]")
            continue
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
    queries = [b["name"] for b in config["benchmarks"] if b.get("translate_queries")]
    if queries:
        raise ConfigError(
            f"config key translation.model: required, because the queries of benchmarks {queries} are translated"
        )
    source = config["languages"]["source"]
    targets = [lang for lang in config["languages"]["train"] if lang != source]
    translated = [d["name"] for d in config["datasets"] if d.get("translate", True)] if targets else []
    if translated:
        raise ConfigError(
            f"config key translation.model: required, because datasets {translated} are translated into {targets}"
        )
    if config["translation"].get("quality", {}).get("benchmark"):
        raise ConfigError("config key translation.model: required, because translation.quality.benchmark is set")


def _alpha_name_problem(strategy: str, alphas: list[float]) -> str | None:
    """Why `alphas` do not each give a run name of their own that reads back as that alpha."""
    by_name: dict[str, list[float]] = {}
    for alpha in alphas:
        by_name.setdefault(Run("", strategy, alpha, 0).name, []).append(alpha)
    for alike in by_name.values():
        if len(alike) > 1:
            return f"{alike} are all written a{alpha_text(alike[0])} in run names, so their runs would share a folder"
    for name, (alpha,) in by_name.items():
        written = f"{alpha!r} is written a{alpha_text(alpha)} in run names"
        try:
            back = Run.parse("", name).alpha
        except ValueError:
            return f"{written}, which a run name cannot hold"
        if back != alpha:
            return f"{written}, which reads back as {back!r}: its run would train with that alpha"
    return None


def _planned_runs(config: Mapping[str, Any]) -> list[Run]:
    """Every training run of one encoder: strategy x alpha (where it takes one) x mixture x seed."""
    training = config["training"]
    mixtures = [m["name"] for m in training.get("mixtures") or []] or [None]
    return [
        Run("", name, alpha, seed, mixture)
        for name in training["strategies"]
        for alpha in (training["alpha"] if strategy(name).takes_alpha else [None])
        for mixture in mixtures
        for seed in training["seeds"] or [config["seed"]]
    ]


def check_run_names(config: Mapping[str, Any]) -> None:
    """Every training run has a name of its own that reads back as its run: its alpha (a Run writes
    an alpha with six significant digits) and its mixture (hybridir.vocabulary.Run); the schema
    refuses repeated strategies, alphas and seeds, check_mixtures repeated mixture names."""
    training = config["training"]
    with_alpha = [name for name in training["strategies"] if name in alpha_strategies()]
    problem = _alpha_name_problem(with_alpha[0], training["alpha"]) if with_alpha else None
    if problem:
        raise ConfigError(
            f"config key training.alpha: {problem}; give each alpha in decimals with at most six significant digits"
        )
    by_name: dict[str, Run] = {}
    for run in _planned_runs(config):
        if run.name in by_name:
            raise ConfigError(
                f"config key training.mixtures: runs {by_name[run.name]} and {run} would both be called {run.name!r}"
            )
        try:
            back = Run.parse("", run.name)
        except ValueError:
            back = None
        if back != run:
            raise ConfigError(
                f"config key training.mixtures: mixture {run.mixture!r} is written {run.name!r} in run names, which "
                f"reads back as {back}; a mixture name is lower case letters, digits and _, a letter first"
            )
        by_name[run.name] = run


def check_config(config: Mapping[str, Any]) -> None:
    """All checks beyond the JSON schema; raises ConfigError naming the offending key."""
    check_languages(config)
    check_names(config)
    check_benchmark_sources(config)
    check_parallel_sources(config)
    check_articles(config)
    check_training_data(config)
    check_mixtures(config)
    check_translation_model(config)
    check_quality_benchmark(config)
    check_run_names(config)
