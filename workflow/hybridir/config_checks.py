"""Checks of a validated config for what its JSON schema cannot express: known languages, unique
names, sources that fit their format, training mixtures of known datasets, something to train on
and translate with, run names of their own, and hard negatives that a source can give. Each raises
a ConfigError naming the offending key."""

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from hybridir.config_mixtures import check_beir_languages, check_mixtures, check_translated_queries
from hybridir.config_study import check_study
from hybridir.errors import ConfigError
from hybridir.fetch.negatives import check_negatives
from hybridir.languages import LASER_CODES, NLLB_CODES
from hybridir.locations import check_template_value
from hybridir.vocabulary import ENGLISH, FORMATS, FROM_EN, TO_EN, Run, alpha_strategies, alpha_text, strategy


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


# Per format, the parts of its source (None: one template) and the placeholders each must hold.
SOURCE_TEMPLATES: dict[str, dict[str | None, tuple[str, ...]]] = {
    "lareqa": {None: ("lang",)},
    "mlqa": {None: ("lang",)},
    "miracl": {"topics": ("lang",), "qrels": ("lang",), "corpus": ("lang",)},
    "tatoeba": {None: ("code", "side")},
    "bucc": {None: ("lang", "split", "side")},
    "mewsli_x": {"mentions": ("split",), "entities": ()},
    "mmarco": {"queries": ("lang",), "collection": ("lang",), "qrels": ()},
    "beir": {"corpus": (), "queries": (), "qrels": ()},
}
# Formats whose source reads `split` (miracl, beir: any name; the others: these splits only).
SPLITS: dict[str, tuple[str, ...] | None] = {
    "miracl": None,
    "beir": None,
    "bucc": ("training", "sample"),
    "mewsli_x": ("dev", "test"),
}
BUCC_LANGUAGES = ("de", "fr", "ru", "zh")


def _source_parts(bench: Mapping[str, Any], key: str) -> list[tuple[str | None, str]]:
    """(part, template) of a benchmark's source, in the shape its format reads."""
    parts, source, fmt = SOURCE_TEMPLATES[bench["format"]], bench["source"], bench["format"]
    if None in parts:
        if not isinstance(source, str):
            raise ConfigError(f"config key {key}: format {fmt} needs one path or URL")
        return [(None, source)]
    if not isinstance(source, Mapping) or set(source) != set(parts):
        raise ConfigError(f"config key {key}: format {fmt} needs {{{', '.join(p for p in parts if p)}}}")
    return list(source.items())


def check_benchmark_sources(config: Mapping[str, Any]) -> None:
    """Each benchmark's source fits its format (SOURCE_TEMPLATES): one template or the mapping its
    format reads, each template with its placeholders; a split its format has."""
    for i, bench in enumerate(config["benchmarks"]):
        key = f"benchmarks[{i}].source ({bench['name']})"
        parts = SOURCE_TEMPLATES[bench["format"]]
        for part, template in _source_parts(bench, key):
            for name in parts[part]:
                if f"{{{name}}}" not in template:
                    raise ConfigError(f"config key {key}: {template!r} must contain '{{{name}}}'")
        if bench["format"] in SPLITS:
            split_key = f"benchmarks[{i}].split ({bench['name']})"
            check_template_value("split", bench.get("split", ""), split_key)
            allowed = SPLITS.get(bench["format"])
            if allowed and bench["split"] not in allowed:
                raise ConfigError(f"config key {split_key}: {bench['split']!r}; format {bench['format']} has {allowed}")
        check_reference(bench, f"benchmarks[{i}].reference ({bench['name']})")


def _field(i: int, bench: Mapping[str, Any], name: str) -> str:
    """'config key benchmarks[i].<name> (<benchmark>)', how an error names a benchmark's key."""
    return f"config key benchmarks[{i}].{name} ({bench['name']})"


def _paired_languages(i: int, bench: Mapping[str, Any]) -> None:
    """Tatoeba and BUCC list the languages paired with English: each has files of its own."""
    known = {"tatoeba": tuple(LASER_CODES), "bucc": BUCC_LANGUAGES}[bench["format"]]
    for lang in bench["languages"]:
        if lang not in known:
            english = " (English is the other side of every pair, not listed)" if lang == ENGLISH else ""
            raise ConfigError(
                f"{_field(i, bench, 'languages')}: {lang!r} has no {bench['format']} files; "
                f"known: {', '.join(sorted(known))}{english}"
            )


def _settings_of(i: int, bench: Mapping[str, Any]) -> tuple[str, ...]:
    """The settings an entry asks for: the format's defaults, and perhaps more of its settings."""
    record = FORMATS[bench["format"]]
    settings = bench.get("settings") or record.default_settings
    wrong = [s for s in settings if s not in record.settings]
    missing = [s for s in record.default_settings if s not in settings]
    if wrong or missing:
        raise ConfigError(
            f"{_field(i, bench, 'settings')}: {list(settings)}; format {bench['format']} evaluates "
            f"{list(record.default_settings)} and may add {list(record.optional) or 'nothing'}"
        )
    return tuple(settings)


def check_benchmark_options(config: Mapping[str, Any]) -> None:
    """Options a benchmark's format reads: settings, languages, lang_names, limit, translate_queries."""
    for i, bench in enumerate(config["benchmarks"]):
        fmt = bench["format"]
        settings = _settings_of(i, bench)
        check_translated_queries(bench, f"benchmarks[{i}]")
        if fmt == "beir":
            check_beir_languages(bench, f"benchmarks[{i}]")
        if fmt in ("tatoeba", "bucc"):
            _paired_languages(i, bench)
            if bench.get("limit") is not None:
                raise ConfigError(f"{_field(i, bench, 'limit')}: format {fmt} reads every pair; remove limit")
        if {TO_EN, FROM_EN} & set(settings) and fmt == "mmarco" and ENGLISH not in bench["languages"]:
            raise ConfigError(
                f"{_field(i, bench, 'languages')}: settings {TO_EN} and {FROM_EN} need {ENGLISH!r} among the languages"
            )
        names = bench.get("lang_names") or {}
        if names and fmt != "mmarco":
            raise ConfigError(f"{_field(i, bench, 'lang_names')}: only a format mmarco entry names its languages")
        for lang, name in names.items():
            check_template_value("lang", name, f"benchmarks[{i}].lang_names.{lang} ({bench['name']})")
            if lang not in bench["languages"]:
                raise ConfigError(f"{_field(i, bench, 'lang_names')}: {lang!r} is not in its languages")


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
    check_benchmark_options(config)
    check_parallel_sources(config)
    check_articles(config)
    check_training_data(config)
    check_mixtures(config)
    check_study(config)
    check_translation_model(config)
    check_quality_benchmark(config)
    check_run_names(config)
    check_negatives(config)
