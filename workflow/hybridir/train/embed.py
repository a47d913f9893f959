"""Embeddings of texts by the model being trained: cut at a max length, bf16 autocast on CUDA."""

from collections.abc import Sequence

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.util import batch_to_device


class TextEmbedder:
    """Calls `model` on `device`: embed(texts, max_length) is a float32 (texts x dim) tensor.

    Texts are cut at `max_length` tokens, and never beyond the model's own max_seq_length; the
    model itself is left as it was loaded, so that it is saved as it was loaded."""

    def __init__(self, model: SentenceTransformer, device: torch.device, bf16: bool):
        self.model = model
        self.device = device
        self.autocast = bf16 and device.type == "cuda"
        self.limit = model.max_seq_length

    def __call__(self, texts: Sequence[str], max_length: int) -> torch.Tensor:
        if not texts:
            return torch.zeros(0, self.model.get_embedding_dimension(), device=self.device)
        length = max_length if self.limit is None else min(max_length, self.limit)
        features = batch_to_device(self.model.preprocess(list(texts), max_length=length), self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            return self.model(features)["sentence_embedding"].float()
