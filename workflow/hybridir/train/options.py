"""Training settings of one run, without importing torch (the experiment plan builds them)."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class TrainingOptions:
    """Training settings; the defaults are the paper's where it states them (config `training`)."""

    strategy: str = "hybrid"
    alpha: float = 0.5
    seed: int = 0
    steps: int = 1000
    batch_size: int = 100
    learning_rate: float = 3e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    temperature: float = 0.05
    pooling: str = "mean"
    max_query_length: int = 64
    max_passage_length: int = 256
    hard_negatives: bool = True
    cached: bool = False
    cache_chunk: int = 32
    eval_steps: int = 100
    patience: int = 3
    checkpoint_steps: int = 100
    bf16: bool = True

    @classmethod
    def from_config(cls, training: Mapping[str, Any], **overrides: Any) -> "TrainingOptions":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in {**training, **overrides}.items() if k in known})
