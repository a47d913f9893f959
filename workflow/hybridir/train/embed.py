"""Embeddings of texts by the model being trained: cut at a max length, bf16 autocast on CUDA."""

from collections.abc import Sequence

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.util import batch_to_device


class TextEmbedder:
    """Calls `model` on `device`: embed(texts, max_length) is a float32 (texts x dim) tensor."""

    def __init__(self, model: SentenceTransformer, device: torch.device, bf16: bool):
        self.model = model
        self.device = device
        self.autocast = bf16 and device.type == "cuda"

    def __call__(self, texts: Sequence[str], max_length: int) -> torch.Tensor:
        if not texts:
            return torch.zeros(0, self.model.get_embedding_dimension(), device=self.device)
        self.model[0].max_seq_length = max_length
        features = batch_to_device(self.model.preprocess(list(texts)), self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            return self.model(features)["sentence_embedding"].float()
