"""The static import graph of the workflow's scripts and the library (nothing is imported): which
library modules a script runs, transitively, and which third-party packages they need.

Every `import` statement counts, at module level or inside a function, since either can run."""

import ast
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LIBRARY = PACKAGE.name


@cache
def imported_modules(path: Path) -> frozenset[str]:
    """Dotted names a Python file imports; `from a.b import c` gives a.b and a.b.c (c may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def module_file(name: str) -> Path | None:
    """The source file of a library module or package (hybridir.x.y), or None if there is none."""
    parts = name.split(".")
    if parts[0] != LIBRARY:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _with_packages(name: str) -> list[str]:
    """A module and every package above it (importing a.b.c runs a/__init__ and a/b/__init__)."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@cache
def _closure(path: Path) -> frozenset[Path]:
    seen: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in imported_modules(current):
            for module in _with_packages(name):
                found = module_file(module)
                if found is not None and found not in seen:
                    todo.append(found)
    return frozenset(seen)


def library_files(script: str | Path) -> list[Path]:
    """The library modules that `script` runs, transitively (the script itself excluded)."""
    script = Path(script).resolve()
    return sorted(f for f in _closure(script) if f != script)


def external_imports(script: str | Path) -> set[str]:
    """Dotted names of the non-standard-library, non-hybridir modules that `script` and the library
    modules it runs import (torch.utils.tensorboard, yaml, ...)."""
    names = {name for path in _closure(Path(script).resolve()) for name in imported_modules(path)}
    return {name for name in names if name.split(".")[0] not in (LIBRARY, *sys.stdlib_module_names)}


def third_party_imports(script: str | Path) -> set[str]:
    """Top-level names of the third-party packages that `script` and the library modules it runs import."""
    return {name.split(".")[0] for name in external_imports(script)}
