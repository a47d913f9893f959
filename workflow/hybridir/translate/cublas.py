"""The CUDA 12 cuBLAS that CTranslate2's CUDA build opens at its first GPU batch.

CTranslate2 4.8's Linux wheels are built against CUDA 12 and `dlopen("libcublas.so.12")` at run
time; they do not ship it, and torch 2.13 brings CUDA 13 libraries only. The nvidia-cublas-cu12
wheel (the `gpu` extra, and envs/mt.yaml) installs it under `nvidia/cublas/lib` of site-packages,
a folder the dynamic loader does not search. Loading it once by its path, process-wide
(RTLD_GLOBAL), makes CTranslate2's own dlopen find it by its soname.
"""

import ctypes
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

CUBLAS = "libcublas.so.12"
WHEEL_FOLDER = ("nvidia", "cublas", "lib")
FIX = (
    "install the CUDA 12 cuBLAS: pip install 'hybridir[gpu]' (the nvidia-cublas-cu12 wheel), or run the "
    "workflow with --use-conda (envs/mt.yaml has it); or set translation.device: cpu"
)


def wheel_cublas(paths: Iterable[str]) -> Path | None:
    """libcublas.so.12 of the nvidia-cublas-cu12 wheel in the first import path that has one."""
    for entry in paths:
        candidate = Path(entry or ".").joinpath(*WHEEL_FOLDER, CUBLAS)
        if candidate.is_file():
            return candidate
    return None


def cublas_candidates(paths: Iterable[str]) -> list[str]:
    """Where to load cuBLAS from, in order: the wheel's copy, then the system's (by soname)."""
    wheel = wheel_cublas(paths)
    return [str(wheel), CUBLAS] if wheel else [CUBLAS]


def load_first(candidates: Sequence[str]) -> tuple[bool, str]:
    """Load the first loadable candidate process-wide: (loaded, where from or what failed and the fix)."""
    failures = []
    for candidate in candidates:
        try:
            ctypes.CDLL(candidate, mode=ctypes.RTLD_GLOBAL)
        except OSError as error:
            failures.append(str(error))
            continue
        return True, f"{CUBLAS} loaded from {candidate}"
    return False, f"{CUBLAS} (CUDA 12 cuBLAS) cannot be loaded ({'; '.join(failures) or 'nothing to try'}): {FIX}"


def load_cublas() -> tuple[bool, str]:
    """Load cuBLAS from the wheel on this interpreter's import path, else from the system."""
    return load_first(cublas_candidates(sys.path))
