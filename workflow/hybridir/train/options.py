"""Training settings of one run, without importing torch (the experiment plan builds them)."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from hybridir.errors import ConfigError

LR_SCHEDULES = ("constant", "linear", "cosine")
DATASET_SAMPLINGS = ("proportional", "uniform", "temperature")
SAMPLING_ORDERS = ("language_first", "dataset_first")
DUPLICATE_PAIRS = ("drop", "keep")


@dataclass(frozen=True)
class TrainingOptions:
    """Training settings (config `training`): the paper's values where it states them (lr, weight
    decay, batch size, prompts, one hard negative, proportional dataset sampling), otherwise the
    documented defaults of config.schema.yaml."""

    strategy: str = "hybrid"
    alpha: float = 0.5
    seed: int = 0
    steps: int = 1000
    batch_size: int = 100
    learning_rate: float = 3e-5
    weight_decay: float = 0.01
    lr_schedule: str = "linear"
    warmup_ratio: float = 0.1
    dropout: float | None = None
    temperature: float = 0.05
    max_query_length: int = 64
    max_passage_length: int = 256
    query_prefix: str = "Query: "
    passage_prefix: str = "Passage: "
    hard_negatives: int = 1
    duplicate_pairs: str = "drop"
    dataset_sampling: str = "proportional"
    dataset_temperature: float = 2.0
    sampling_order: str = "language_first"
    cached: bool = False
    cache_chunk: int = 32
    eval_steps: int = 100
    patience: int = 3
    checkpoint_steps: int = 100
    bf16: bool = True

    def __post_init__(self) -> None:
        choices = {
            "lr_schedule": LR_SCHEDULES,
            "dataset_sampling": DATASET_SAMPLINGS,
            "sampling_order": SAMPLING_ORDERS,
            "duplicate_pairs": DUPLICATE_PAIRS,
        }
        for key, allowed in choices.items():
            if getattr(self, key) not in allowed:
                raise ConfigError(f"config key training.{key}: {getattr(self, key)!r}; allowed: {', '.join(allowed)}")
        if isinstance(self.hard_negatives, bool) or self.hard_negatives < 0:
            raise ConfigError(f"config key training.hard_negatives: {self.hard_negatives!r}; expected a count >= 0")

    @classmethod
    def from_config(cls, training: Mapping[str, Any], **overrides: Any) -> "TrainingOptions":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in {**training, **overrides}.items() if k in known})
