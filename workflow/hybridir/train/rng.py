"""The random states that dropout masks depend on (CPU and every CUDA device), as plain tensors."""

import torch

RandomState = tuple[torch.Tensor, list[torch.Tensor]]


def random_state() -> RandomState:
    """The CPU and CUDA random states."""
    return torch.get_rng_state(), torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []


def set_random_state(state: RandomState) -> None:
    torch.set_rng_state(state[0])
    if state[1]:
        torch.cuda.set_rng_state_all(state[1])
