"""Fingerprints of library code, so a workflow reruns exactly the stage whose code changed."""

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def code_fingerprint(*modules: str) -> str:
    """SHA-256 over the source of the named modules or subpackages of hybridir (e.g. "fetch")."""
    digest = hashlib.sha256()
    for module in sorted(modules):
        target = PACKAGE / module
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
        if not files or not files[0].is_file():
            raise FileNotFoundError(f"hybridir has no module {module!r} ({target})")
        for path in files:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
