"""torch's view of CUDA: the probe that hybridir.devices.resolve_device takes for torch stages
(kept apart so that light stages, which use hybridir.devices for provenance, never import torch)."""

import torch


def torch_cuda() -> tuple[bool, str]:
    """Whether torch can use a CUDA device, and what it sees."""
    if not torch.cuda.is_available():
        return False, f"torch {torch.__version__} sees no CUDA device"
    return True, f"{torch.cuda.device_count()} device(s), first {torch.cuda.get_device_name(0)}"
