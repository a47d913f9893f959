"""One way to load an encoder, for training and for evaluation alike.

- A sentence-transformers checkpoint (a model with `modules.json`, as LaBSE is, and as every
  model the train stage writes is) loads with all its modules (Transformer, Pooling, Dense,
  Normalize, ...) exactly as published: fine-tuned LaBSE keeps LaBSE's CLS pooling, Dense and
  Normalize, and an untrained "trained" model embeds like the zero-shot one.
- A plain transformers checkpoint (XLM-R) gets a Transformer module and the pooling that its
  config entry names (`training.encoders[].pooling`: mean or cls).
Code shipped with a checkpoint runs only where its entry sets `trust_remote_code: true`. The
entry's `zero_shot_prompts` give the untrained encoder query / passage prompts (e.g. "Query: " /
"Passage: "); otherwise a model keeps its own prompts, if any.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from sentence_transformers.util import is_sentence_transformer_model
from torch import nn

from hybridir.errors import ConfigError

POOLINGS = ("mean", "cls")


@dataclass(frozen=True)
class EncoderSpec:
    """How to load one encoder: its model (Hub id or directory), the pooling of a plain
    checkpoint, whether its remote code may run, and prompts to set (None keeps the model's)."""

    model: str
    pooling: str = "mean"
    trust_remote_code: bool = False
    prompts: Mapping[str, str] | None = None
    name: str = ""

    @classmethod
    def from_config(cls, entry: Mapping[str, Any], model: str | None = None, zero_shot: bool = True) -> "EncoderSpec":
        """The spec of a `training.encoders[]` entry; `model` replaces the entry's model (a local
        copy, or a trained model directory); the entry's zero_shot_prompts apply when `zero_shot`."""
        return cls(
            model=model or entry["model"],
            pooling=entry.get("pooling", "mean"),
            trust_remote_code=entry.get("trust_remote_code", False),
            prompts=entry.get("zero_shot_prompts") if zero_shot else None,
            name=entry["name"],
        )

    def describe(self) -> str:
        return f"encoder {self.name!r} ({self.model})" if self.name else f"encoder {self.model}"


def _modules(spec: EncoderSpec) -> list[nn.Module] | None:
    """Transformer and pooling modules of a plain checkpoint; None for a sentence-transformers one."""
    if is_sentence_transformer_model(spec.model):
        if spec.pooling != "mean":
            logging.info("%s: a sentence-transformers checkpoint keeps its own pooling", spec.describe())
        return None
    if spec.pooling not in POOLINGS:
        raise ConfigError(f"{spec.describe()}: pooling {spec.pooling!r}; allowed: {', '.join(POOLINGS)}")
    remote = {"trust_remote_code": spec.trust_remote_code}
    transformer = Transformer(spec.model, model_kwargs=remote, processor_kwargs=remote, config_kwargs=remote)
    return [transformer, Pooling(transformer.get_embedding_dimension(), pooling_mode=spec.pooling)]


def load_encoder(spec: EncoderSpec, device: str | None = None) -> SentenceTransformer:
    """The encoder of `spec` as a SentenceTransformer on `device` (see the module docstring); a
    model that cannot be loaded is a ConfigError naming it."""
    try:
        modules = _modules(spec)
        if modules is None:
            encoder = SentenceTransformer(spec.model, device=device, trust_remote_code=spec.trust_remote_code)
        else:
            encoder = SentenceTransformer(modules=modules, device=device)
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"{spec.describe()}: cannot load the model (config key training.encoders[].model: a Hub id or a "
            f"model directory): {error}"
        ) from error
    if spec.prompts:
        encoder.prompts = {**encoder.prompts, **spec.prompts}
    logging.info("%s: %s", spec.describe(), " -> ".join(type(module).__name__ for module in encoder))
    return encoder


def set_dropout(encoder: nn.Module, probability: float) -> int:
    """Set the probability of every dropout layer (torch.nn.Dropout); returns how many there are."""
    layers = [module for module in encoder.modules() if isinstance(module, nn.Dropout)]
    for layer in layers:
        layer.p = probability
    return len(layers)
