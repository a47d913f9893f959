"""The torch side of hybridir.devices: the CUDA probe that resolve_device takes in torch stages,
and moving tensors there (apart, so that light stages, which use hybridir.devices for provenance,
never import torch)."""

from typing import Any

import torch


def torch_cuda() -> tuple[bool, str]:
    """Whether torch can use a CUDA device, and what it sees."""
    if not torch.cuda.is_available():
        return False, f"torch {torch.__version__} sees no CUDA device"
    return True, f"{torch.cuda.device_count()} device(s), first {torch.cuda.get_device_name(0)}"


def to_device(tensor: Any, device: str) -> Any:
    """A torch tensor on `device`: to CUDA through pinned memory with a non-blocking copy (the host
    goes on while it transfers; work queued after it on the device waits for it), else as is."""
    if tensor.device == torch.device(device):
        return tensor
    if torch.device(device).type == "cuda":
        return tensor.pin_memory().to(device, non_blocking=True)
    return tensor.to(device)
