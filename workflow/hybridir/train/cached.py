"""InfoNCE with GradCache (Gao et al. 2021): a batch of any size in the memory of a chunk of texts.

Packaged as an ordinary loss, as sentence-transformers' CachedMultipleNegativesRankingLoss is:
forward() embeds the texts chunk by chunk without gradients, computes the loss on those
embeddings and its gradient with respect to them, and returns the loss; its backward() replays
each chunk with the random state of its first pass (same dropout masks) and back-propagates the
cached gradient through it. The trainer calls it like the plain loss and knows nothing of this.
"""

from collections.abc import Sequence
from functools import partial

import torch

from hybridir.train.loss import Embed, TextInfoNCE
from hybridir.train.rng import RandomState, random_state, set_random_state

Chunk = tuple[Sequence[str], int, int]  # texts, max length, group (0 queries, 1 passages, 2 negatives)


class CachedInfoNCE(TextInfoNCE):
    """TextInfoNCE that embeds `chunk` texts at a time (see the module docstring)."""

    def __init__(self, embed: Embed, *, temperature: float, query_length: int, passage_length: int, chunk: int):
        super().__init__(embed, temperature=temperature, query_length=query_length, passage_length=passage_length)
        self.chunk = chunk

    def chunks(self, groups: Sequence[Sequence[str]]) -> list[Chunk]:
        return [
            (texts[i : i + self.chunk], length, group)
            for group, (texts, length) in enumerate(zip(groups, self.lengths, strict=True))
            for i in range(0, len(texts), self.chunk)
        ]

    def forward(self, queries: Sequence[str], passages: Sequence[str], negatives: Sequence[str]) -> torch.Tensor:
        chunks = self.chunks((queries, passages, negatives))
        states: list[RandomState] = []
        cached: list[list[torch.Tensor]] = [[], [], []]
        with torch.no_grad():
            for texts, length, group in chunks:
                states.append(random_state())
                cached[group].append(self.embed(texts, length))
        leaves = [(torch.cat(c) if c else self.embed([], 0)).detach().requires_grad_() for c in cached]
        loss = self.info_nce(*leaves)
        loss.backward()
        result = loss.detach().requires_grad_()
        result.register_hook(partial(self.replay, chunks, states, [leaf.grad for leaf in leaves]))
        return result

    def replay(
        self, chunks: list[Chunk], states: list[RandomState], grads: list[torch.Tensor], grad_output: torch.Tensor
    ) -> None:
        """Back-propagate each chunk's cached gradient (scaled by the loss's own) through the model."""
        offsets = [0, 0, 0]
        with torch.enable_grad():
            for (texts, length, group), state in zip(chunks, states, strict=True):
                set_random_state(state)
                grad = grads[group][offsets[group] : offsets[group] + len(texts)]
                offsets[group] += len(texts)
                self.embed(texts, length).backward(grad * grad_output)
