"""InfoNCE over cosine similarities, with in-batch and hard negatives gathered across processes,
and the loss of a step from its texts (the model embeds them with gradients).

`TextInfoNCE` is the loss a trainer calls: texts in, a loss tensor out whose backward() fills the
model's gradients. `hybridir.train.cached.CachedInfoNCE` is the same loss with GradCache.
`validation_loss` is its mean over the fixed batches of the validation set, shared out among the
processes and summed across them.
"""

from collections.abc import Callable, Sequence

import pandas as pd
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from hybridir.train.distributed import distributed, gather_rows, rank_and_world, sum_across

Embed = Callable[[Sequence[str], int], torch.Tensor]


class InfoNCE(nn.Module):
    """Cross-entropy of each query's positive against every passage and hard negative of the
    global batch, on cosine similarities divided by the temperature."""

    def __init__(self, *, temperature: float):
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


class TextInfoNCE(nn.Module):
    """InfoNCE of one step from its query, passage and hard-negative texts, embedded by `embed`
    (texts, max length) with queries cut at `query_length` tokens and passages at `passage_length`."""

    def __init__(self, embed: Embed, *, temperature: float, query_length: int, passage_length: int):
        super().__init__()
        self.embed = embed
        self.info_nce = InfoNCE(temperature=temperature)
        self.lengths = (query_length, passage_length, passage_length)

    def forward(self, queries: Sequence[str], passages: Sequence[str], negatives: Sequence[str]) -> torch.Tensor:
        groups = (queries, passages, negatives)
        return self.info_nce(*(self.embed(texts, n) for texts, n in zip(groups, self.lengths, strict=True)))


@torch.no_grad()
def validation_sums(loss: TextInfoNCE, validation: pd.DataFrame, query_prefix: str, passage_prefix: str) -> list[float]:
    """[InfoNCE summed over pairs, pairs] of the batches of `validation`, computed in this process
    (each batch's passages are its only candidates; no hard negatives)."""
    total = 0.0
    for _, part in validation.groupby("batch", sort=True):
        queries = loss.embed([query_prefix + q for q in part["question"]], loss.lengths[0])
        passages = loss.embed([passage_prefix + p for p in part["passage"]], loss.lengths[1])
        total += float(loss.info_nce(queries, passages, passages[:0], gather=False)) * len(part)
    return [total, float(len(validation))]


def validation_loss(loss: TextInfoNCE, validation: pd.DataFrame, query_prefix: str, passage_prefix: str) -> float:
    """Mean InfoNCE over the batches of the `validation` table, weighted by batch size: each
    process computes every world-th batch and the sums are added across processes, so that all
    processes hold the same loss."""
    rank, world = rank_and_world()
    numbers = sorted(validation["batch"].unique())
    share = validation[validation["batch"].isin(numbers[rank::world])]
    total, pairs = sum_across(validation_sums(loss, share, query_prefix, passage_prefix))
    return total / pairs
