"""Send a job's messages, warnings and progress bars to its log file."""

import logging
import sys
from pathlib import Path


def log_to(path: str | Path) -> None:
    """Redirect stderr (progress bars, tracebacks) and the logging module to `path`."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stderr = open(path, "w", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives as long as the job)
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", force=True
    )
