"""InfoNCE over cosine similarities, with in-batch and hard negatives gathered across processes."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.distributed.nn.functional import all_gather


def distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def gather_rows(rows: torch.Tensor) -> torch.Tensor:
    """Rows of every process, in rank order, keeping gradients; counts may differ per process."""
    count = torch.tensor([rows.shape[0]], device=rows.device)
    counts = [torch.zeros_like(count) for _ in range(dist.get_world_size())]
    dist.all_gather(counts, count)
    longest = int(max(c.item() for c in counts))
    padded = F.pad(rows, (0, 0, 0, longest - rows.shape[0]))
    gathered = all_gather(padded)
    return torch.cat([g[: int(c.item())] for g, c in zip(gathered, counts, strict=True)])


class InfoNCE(nn.Module):
    """Cross-entropy of each query's positive against every passage and hard negative of the
    global batch, on cosine similarities divided by the temperature."""

    def __init__(self, temperature: float = 0.05):
        super().__init__()
        self.temperature = temperature

    def forward(
        self, queries: torch.Tensor, passages: torch.Tensor, negatives: torch.Tensor, gather: bool = True
    ) -> torch.Tensor:
        queries, passages, negatives = (F.normalize(x, dim=-1) for x in (queries, passages, negatives))
        offset = 0
        if gather and distributed():
            offset = dist.get_rank() * passages.shape[0]
            passages, negatives = gather_rows(passages), gather_rows(negatives)
        candidates = torch.cat([passages, negatives])
        scores = queries @ candidates.T / self.temperature
        labels = torch.arange(queries.shape[0], device=queries.device) + offset
        return F.cross_entropy(scores, labels)
