"""The processes of one training job: start-up under torchrun, and what they share.

One process, or several launched by torchrun (WORLD_SIZE, LOCAL_RANK): each takes its own GPU
before the process group starts (NCCL), or uses gloo on CPUs. Rows are gathered with gradients
(for the loss over the global batch), gradients and values are averaged across processes, and
a decision (early stopping) is process 0's, broadcast.
"""

import os
from collections.abc import Sequence

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.distributed.nn.functional import all_gather


def distributed() -> bool:
    """Whether this process is one of several of a started process group."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank_and_world() -> tuple[int, int]:
    """(this process's rank, number of processes); (0, 1) in a single process."""
    return (dist.get_rank(), dist.get_world_size()) if distributed() else (0, 1)


def local_device(kind: str) -> torch.device:
    """This process's device for a resolved device setting (hybridir.devices): on 'cuda' its GPU
    (torchrun's LOCAL_RANK), made current; else the CPU."""
    if kind != "cuda":
        return torch.device("cpu")
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    torch.cuda.set_device(device)
    return device


def init_distributed(kind: str) -> tuple[int, int]:
    """(rank, world size); starts the process group when torchrun launched several processes
    (NCCL on 'cuda', gloo on the CPU)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        local_device(kind)
        dist.init_process_group("nccl" if kind == "cuda" else "gloo")
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def gather_rows(rows: torch.Tensor) -> torch.Tensor:
    """Rows of every process, in rank order, keeping gradients; counts may differ per process."""
    count = torch.tensor([rows.shape[0]], device=rows.device)
    counts = [torch.zeros_like(count) for _ in range(dist.get_world_size())]
    dist.all_gather(counts, count)
    longest = int(max(c.item() for c in counts))
    padded = F.pad(rows, (0, 0, 0, longest - rows.shape[0]))
    gathered = all_gather(padded)
    return torch.cat([g[: int(c.item())] for g, c in zip(gathered, counts, strict=True)])


def average_gradients(model: nn.Module) -> None:
    """Replace every gradient by its mean over the processes."""
    if distributed():
        world = dist.get_world_size()
        for parameter in model.parameters():
            if parameter.grad is not None:
                dist.all_reduce(parameter.grad)
                parameter.grad /= world


def mean_across(value: torch.Tensor) -> float:
    """The mean of a scalar over the processes."""
    if distributed():
        value = value.clone()
        dist.all_reduce(value)
        value /= dist.get_world_size()
    return float(value)


def collective_device() -> torch.device:
    """Where the tensors of a collective live: this process's GPU under NCCL, else the CPU."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def sum_across(values: Sequence[float]) -> list[float]:
    """Each value summed over the processes (the same sums in every process)."""
    if not distributed():
        return [float(v) for v in values]
    sums = torch.tensor(values, dtype=torch.float64, device=collective_device())
    dist.all_reduce(sums)
    return sums.tolist()


def first_process_says(flag: bool) -> bool:
    """Process 0's flag, in every process (a broadcast), so that all take one decision."""
    if not distributed():
        return flag
    value = torch.tensor([int(flag)], device=collective_device())
    dist.broadcast(value, src=0)
    return bool(value.item())


def barrier() -> None:
    """Wait for every process (nothing to wait for in a single process)."""
    if distributed():
        dist.barrier()
