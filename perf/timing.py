"""Timing shared by the speed scripts of perf/."""

import time
from collections.abc import Callable


def best_times(repeats: int, functions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Shortest wall time of each function over `repeats` alternated rounds (on a shared machine,
    the noise only ever adds time)."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: min(values) for name, values in times.items()}
