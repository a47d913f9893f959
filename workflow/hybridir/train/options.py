"""What one training run needs, without importing torch: its options (built by the experiment plan
from the validated config) and the job that runs it (written once to the run's options.json, read
back by every process of the run).

A setting is declared once, in workflow/schemas/config.schema.yaml (type, choices, default,
description); validation fills in its default, and it reaches the loss in three hops: the config's
`training` section -> TrainingOptions -> keyword arguments of the trainer's parts.
"""

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from hybridir.atomic import atomic_write
from hybridir.errors import ConfigError
from hybridir.schemas import config_defaults

RUN_KEYS = ("strategy", "alpha", "seed")


@dataclass(frozen=True)
class TrainingOptions:
    """The settings of one training run: its strategy, alpha (0 for a strategy without one) and
    seed, and the settings of config `training` (choices and defaults: the config schema)."""

    strategy: str
    alpha: float
    seed: int
    steps: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    decay_exclude: bool
    max_grad_norm: float | None
    lr_schedule: str
    warmup_ratio: float
    dropout: float | None
    temperature: float
    max_query_length: int
    max_passage_length: int
    query_prefix: str
    passage_prefix: str
    hard_negatives: int
    duplicate_pairs: str
    dataset_sampling: str
    dataset_temperature: float
    sampling_order: str
    cached: bool
    cache_chunk: int
    eval_steps: int
    patience: int
    checkpoint_steps: int
    bf16: bool

    @classmethod
    def from_config(cls, training: Mapping[str, Any], *, strategy: str, alpha: float, seed: int) -> "TrainingOptions":
        """The options of one run from a validated config's `training` section (defaults filled in)."""
        keys = [f.name for f in fields(cls) if f.name not in RUN_KEYS]
        missing = [key for key in keys if key not in training]
        if missing:
            raise ConfigError(
                f"config key training: no {', '.join(missing)}; build options from a validated config "
                "(hybridir.config.validate_config fills in the schema's defaults)"
            )
        return cls(strategy=strategy, alpha=alpha, seed=seed, **{key: training[key] for key in keys})

    @classmethod
    def from_schema(cls, *, strategy: str, seed: int, **overrides: Any) -> "TrainingOptions":
        """The schema's defaults with `overrides` (for code that has no config: tests, perf/);
        alpha defaults to the first of the schema's `training.alpha`."""
        defaults = config_defaults("training")
        unknown = sorted(set(overrides) - {f.name for f in fields(cls)})
        if unknown:
            raise TypeError(f"TrainingOptions has no {', '.join(unknown)}")
        alpha = overrides.pop("alpha", defaults["alpha"][0])
        return cls.from_config(defaults | overrides, strategy=strategy, alpha=alpha, seed=seed)


def _take(cls: type, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """`values` as keyword arguments of dataclass `cls`; a missing or unknown key is named."""
    names = [f.name for f in fields(cls)]
    missing, unknown = [n for n in names if n not in values], sorted(set(values) - set(names))
    if missing or unknown:
        raise ConfigError(f"{where}: missing keys {missing}, unknown keys {unknown}; expected {names}")
    return dict(values)


@dataclass(frozen=True)
class TrainingJob:
    """Everything one training run needs: the encoder's config entry (training.encoders[]) and the
    model to load (its local copy or Hub id), the run's options, the training languages, the device
    (training.device) and processes, and the files it reads and writes."""

    encoder: Mapping[str, Any]
    model: str
    options: TrainingOptions
    languages: list[str]
    device: str
    processes: int
    corpus: list[str]
    validation: str | None
    output: str
    checkpoint: str
    training_log: str
    tensorboard: str | None

    def write(self, path: str | os.PathLike) -> None:
        """Write the job as JSON (atomically)."""
        with atomic_write(path) as partial:
            partial.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))

    @classmethod
    def read(cls, path: str | os.PathLike) -> "TrainingJob":
        """The job written at `path`; a missing or unknown key is a ConfigError naming the file."""
        with open(path, encoding="utf-8") as handle:
            values = _take(cls, json.load(handle), str(path))
        options = TrainingOptions(**_take(TrainingOptions, values["options"], f"{path}: options"))
        return cls(**(values | {"options": options}))
