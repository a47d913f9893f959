"""A config's `study`: the research question a config answers and the comparisons that answer it
(hybridir.report.data.answer). The checks make sure every comparison names what the config
evaluates; `study_comparisons` fills the defaults a one-encoder, one-alpha, one-mixture config
leaves out. Each problem is a ConfigError naming its key."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hybridir import resources
from hybridir.errors import ConfigError
from hybridir.vocabulary import (
    FORMATS,
    GROUPINGS,
    JOSHI_CLASS,
    LANGUAGE,
    SEEN,
    TRAINING,
    UNSEEN,
    ZERO_SHOT,
    alpha_text,
    class_name,
    metric_label,
    strategy,
)

SPEC = [
    "encoder", "benchmark", "setting", "metric", "grouping", "group", "strategy", "alpha", "mixture", "against",
    "against_alpha", "against_mixture",
]  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """One comparison a study answers with: `strategy` (at `alpha`, trained on `mixture`) against
    `against` (at `against_alpha`, on `against_mixture`) for `encoder` on `benchmark`'s measure
    (`setting`, `metric`), over all its query languages or over the `group` of a `grouping`."""

    encoder: str
    benchmark: str
    setting: str
    metric: str
    strategy: str
    against: str
    alpha: float | None = None
    against_alpha: float | None = None
    mixture: str | None = None
    against_mixture: str | None = None
    grouping: str | None = None
    group: str | None = None

    @property
    def label(self) -> str:
        """'hybrid (α 0.5) vs x_x: xquad_r cross mAP, joshi_class class 5' (encoder and mixtures where given)."""
        strategy = _side_label(self.strategy, self.alpha, self.mixture)
        against = _side_label(self.against, self.against_alpha, self.against_mixture)
        where = f", {self.grouping} {self.group}" if self.grouping else ""
        measure = f"{self.setting} {metric_label(self.metric)}"
        return f"{strategy} vs {against}: {self.encoder} on {self.benchmark} {measure}{where}"

    def record(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in SPEC}


def _side_label(name: str, alpha: float | None, mixture: str | None) -> str:
    text = name if alpha is None else f"{name} (α {alpha_text(alpha)})"
    return text if mixture is None else f"{text} on {mixture}"


def _only(values: list, key: str, what: str) -> Any:
    """The one value of a list the comparison may leave out; several need it named."""
    if len(values) != 1:
        raise ConfigError(f"config key {key}: the config has several {what} ({values}); name one")
    return values[0]


def _encoder(entry: Mapping[str, Any], training: Mapping[str, Any], key: str) -> str:
    names = [e["name"] for e in training["encoders"]]
    name = entry.get("encoder") or _only(names, f"{key}.encoder", "encoders")
    if name not in names:
        raise ConfigError(f"config key {key}.encoder: {name!r} is not in training.encoders ({', '.join(names)})")
    return name


def _alpha(name: str, given: float | None, training: Mapping[str, Any], key: str) -> float | None:
    """The alpha of a strategy that takes one (the config's only alpha unless named); None otherwise."""
    if name == ZERO_SHOT or not strategy(name).takes_alpha:
        if given is not None:
            raise ConfigError(f"config key {key}: strategy {name} takes no alpha, got {given}")
        return None
    alphas = [float(a) for a in training["alpha"]]
    alpha = float(given) if given is not None else _only(alphas, key, "alphas")
    if alpha not in alphas:
        raise ConfigError(f"config key {key}: alpha {alpha} is not in training.alpha ({alphas})")
    return alpha


def _strategy(name: str, training: Mapping[str, Any], key: str) -> str:
    trained = list(training["strategies"])
    if name != ZERO_SHOT and name not in trained:
        raise ConfigError(f"config key {key}: strategy {name!r} is not in training.strategies ({', '.join(trained)})")
    return name


def _mixture(name: str | None, training: Mapping[str, Any], key: str) -> str | None:
    """A mixture of training.mixtures (its only one unless named); None where the config has none."""
    mixtures = [m["name"] for m in training.get("mixtures") or []]
    if not mixtures:
        if name is not None:
            raise ConfigError(f"config key {key}: {name!r} names a mixture, but training.mixtures is not set")
        return None
    chosen = name if name is not None else _only(mixtures, key, "training mixtures")
    if chosen not in mixtures:
        raise ConfigError(f"config key {key}: {chosen!r} is not in training.mixtures ({', '.join(mixtures)})")
    return chosen


def _measure(entry: Mapping[str, Any], config: Mapping[str, Any], key: str) -> None:
    """The benchmark is the config's, the setting and metric its format's."""
    benchmarks = {b["name"]: b for b in config["benchmarks"]}
    if entry["benchmark"] not in benchmarks:
        raise ConfigError(
            f"config key {key}.benchmark: {entry['benchmark']!r} is not in benchmarks ({', '.join(benchmarks)})"
        )
    bench = benchmarks[entry["benchmark"]]
    record = FORMATS[bench["format"]]
    settings = bench.get("settings") or record.default_settings
    if entry["setting"] not in settings:
        raise ConfigError(
            f"config key {key}.setting: {entry['benchmark']} is evaluated in {', '.join(settings)}, "
            f"not {entry['setting']!r}"
        )
    if entry["metric"] not in record.metrics:
        raise ConfigError(
            f"config key {key}.metric: the {record.name} format computes {', '.join(record.metrics)}, "
            f"not {entry['metric']!r}"
        )


def _group_languages(grouping: str, bench: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Group name -> the benchmark's languages in it, as far as the config tells (a run's seen
    languages are narrowed by its strategy and mixture; pretraining by the encoder's family)."""
    languages = list(bench["languages"])
    train = set(config["languages"]["train"])
    if grouping == LANGUAGE:
        return {lang: [lang] for lang in languages}
    if grouping == JOSHI_CLASS:
        classes = {lang: class_name(resources.language(lang).joshi_class) for lang in languages}
        return {name: [lang for lang in languages if classes[lang] == name] for name in GROUPINGS[grouping].groups}
    if grouping == TRAINING:
        return {
            SEEN: [lang for lang in languages if lang in train],
            UNSEEN: [lang for lang in languages if lang not in train],
        }
    return {name: languages for name in GROUPINGS[grouping].groups}


def _group(entry: Mapping[str, Any], config: Mapping[str, Any], key: str) -> tuple[str | None, str | None]:
    """The language group (grouping, group) of the comparison, or (None, None) for the whole
    benchmark; the group must hold some of the benchmark's languages."""
    group = entry.get("languages")
    if group is None:
        return None, None
    grouping, name = group["grouping"], str(group["group"])
    bench = next(b for b in config["benchmarks"] if b["name"] == entry["benchmark"])
    found = _group_languages(grouping, bench, config)
    if name not in found:
        raise ConfigError(
            f"config key {key}.languages.group: {name!r} is not a group of {grouping} ({', '.join(found)})"
        )
    if not found[name]:
        raise ConfigError(
            f"config key {key}.languages.group: {entry['benchmark']} has no language in {grouping} {name!r} "
            f"(its languages: {', '.join(bench['languages'])})"
        )
    return grouping, name


def _comparison(entry: Mapping[str, Any], config: Mapping[str, Any], key: str) -> Comparison:
    training = config["training"]
    _measure(entry, config, key)
    own = _strategy(entry["strategy"], training, f"{key}.strategy")
    against = _strategy(entry["against"], training, f"{key}.against")
    mixture = _mixture(entry.get("mixture"), training, f"{key}.mixture")
    grouping, group = _group(entry, config, key)
    comparison = Comparison(
        encoder=_encoder(entry, training, key),
        benchmark=entry["benchmark"],
        setting=entry["setting"],
        metric=entry["metric"],
        strategy=own,
        against=against,
        alpha=_alpha(own, entry.get("alpha"), training, f"{key}.alpha"),
        against_alpha=_alpha(against, entry.get("against_alpha"), training, f"{key}.against_alpha"),
        mixture=None if own == ZERO_SHOT else mixture,
        against_mixture=None
        if against == ZERO_SHOT
        else _mixture(entry.get("against_mixture") or mixture, training, f"{key}.against_mixture"),
        grouping=grouping,
        group=group,
    )
    sides = (
        (own, comparison.alpha, comparison.mixture),
        (against, comparison.against_alpha, comparison.against_mixture),
    )
    if sides[0] == sides[1]:
        raise ConfigError(f"config key {key}: compares {comparison.label!r} with itself")
    return comparison


def study_comparisons(config: Mapping[str, Any]) -> list[Comparison]:
    """The comparisons of the config's study (none without a study), defaults filled in."""
    study = config.get("study")
    if not study:
        return []
    comparisons = [
        _comparison(entry, config, f"study.comparisons[{i}]") for i, entry in enumerate(study["comparisons"])
    ]
    labels = [c.label for c in comparisons]
    for i, label in enumerate(labels):
        if label in labels[:i]:
            raise ConfigError(
                f"config key study.comparisons[{i}]: {label!r} is already study.comparisons[{labels.index(label)}]"
            )
    return comparisons


def check_study(config: Mapping[str, Any]) -> None:
    """Every comparison of the study names an evaluated benchmark measure, strategy, alpha, mixture and group."""
    study_comparisons(config)
