"""The validation loss: mean InfoNCE over fixed batches of validation pairs (no hard negatives)."""

import pandas as pd
import torch

from hybridir.train.embed import TextEmbedder
from hybridir.train.loss import InfoNCE
from hybridir.train.options import TrainingOptions


@torch.no_grad()
def validation_loss(
    embed: TextEmbedder,
    info_nce: InfoNCE,
    frame: pd.DataFrame,
    options: TrainingOptions,
    query_prefix: str,
    passage_prefix: str,
) -> float:
    """Mean InfoNCE over in-order batches of `options.batch_size` validation pairs, each batch's
    passages its only candidates; the model is put in eval mode."""
    embed.model.eval()
    losses = []
    size = options.batch_size
    for start in range(0, len(frame), size):
        part = frame.iloc[start : start + size]
        queries = embed([query_prefix + q for q in part["question"]], options.max_query_length)
        passages = embed([passage_prefix + p for p in part["passage"]], options.max_passage_length)
        losses.append(float(info_nce(queries, passages, passages[:0], gather=False)) * len(part))
    return sum(losses) / len(frame)
