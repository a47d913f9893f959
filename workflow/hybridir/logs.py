"""Send a job's messages, warnings and progress bars to its log file; a failing job's log ends
with one line that names the rule and the problem (hybridir.failures shows it). A log starts with a
line naming its rule, and every warning is one line `<time> WARNING <message>` (hybridir.joblogs
reads them back)."""

import logging
import re
import sys
import traceback
from pathlib import Path
from types import TracebackType

from hybridir.errors import ConfigError, DataError

ERROR_PREFIX = "ERROR "
FORMAT = "%(asctime)s %(levelname)s %(message)s"
RULE_LINE = re.compile(r"^\S+ \S+ INFO job of rule (\S+)$")
WARNING_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING (.*)$")


def error_line(rule: str, error: BaseException) -> str:
    """`ERROR <rule>: <problem>` in one line: a ConfigError / DataError message names the input or
    key itself; another exception is prefixed with its type."""
    message = " ".join(str(error).split()) or "(no message)"
    if not isinstance(error, ConfigError | DataError):
        message = f"{type(error).__name__}: {message}"
    return f"{ERROR_PREFIX}{rule}: {message}"


def _ending_with_error_line(rule: str):
    def excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        traceback.print_exception(kind, error, trace, file=sys.stderr)
        line = error_line(rule, error)
        print(line, file=sys.stderr, flush=True)
        if sys.__stderr__ is not None and sys.__stderr__ is not sys.stderr:
            print(line, file=sys.__stderr__, flush=True)

    return excepthook


def log_to(path: str | Path, rule: str) -> None:
    """Redirect stderr (progress bars, tracebacks) and the logging module to `path`; an uncaught
    exception's traceback there ends with its error_line for `rule`, which also goes to the job's
    own stderr: Snakemake's output shows it just before its "Error in rule" block."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stderr = open(path, "w", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives as long as the job)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=FORMAT, force=True)
    sys.excepthook = _ending_with_error_line(rule)
    logging.info("job of rule %s", rule)
