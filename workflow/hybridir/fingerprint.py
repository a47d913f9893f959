"""Fingerprints of the code a job runs, so a workflow reruns exactly the jobs whose code changed:
a job's script and every library module it imports, transitively (hybridir.imports)."""

import hashlib
from pathlib import Path

from hybridir.imports import PACKAGE, library_files


def script_fingerprint(script: str | Path) -> str:
    """SHA-256 (16 hex digits) over a script and the library modules it runs."""
    script = Path(script).resolve()
    digest = hashlib.sha256()
    digest.update(script.name.encode())
    digest.update(script.read_bytes())
    for path in library_files(script):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
