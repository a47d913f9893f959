"""Mutation testing of the core modules with mutmut: how many planted faults each module's own tests catch.

Each module is tested in a staging folder `mutants/<module>/` (git-ignored) laid out the way mutmut
expects: `src/hybridir` (a copy of workflow/hybridir, with the schemas beside it and in
workflow/schemas where tests read them), `tests/` (the module's test files, their packages'
conftest, and the test support package) and a pyproject.toml whose [tool.mutmut] names the module
and its tests. mutmut mutates the module's functions, runs the tests that reach each mutant
(`pytest -x -q`) and records it killed (a test failed or timed out) or survived. Each mutant runs
in a process forked from a server that has collected the tests but run none (mutmut's `forkserver`:
CTranslate2 and torch threads that one test started do not survive a fork). The score is killed /
all mutants; a mutant that no test reaches, or whose test process crashed, counts as survived. The
diffs of the survivors go to `mutants/<module>/survivors.diff`. Slow (minutes per module): not run
in CI.

    nice -n 10 .venv/bin/python tools/mutation.py [corpus evaluate/metrics ...] [--children 2]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).parent / "mutmut"
STAGING = REPO / "mutants"
# module (under workflow/hybridir, without .py) -> its own test files
MODULES = {
    "train/samplers": ["train/test_samplers.py"],
    "corpus": ["test_corpus.py"],
    "translate/texts": ["translate/test_translate.py"],
    "evaluate/metrics": ["evaluate/test_metrics.py"],
}
KILLED = {"killed", "timeout", "caught by type check"}
# A mutant's tests get 2 x TIMEOUT_MULTIPLIER x (their unmutated time + 1 s) of CPU time (mutmut's
# rule, whose default multiplier of 15 let one looping sampler mutant run for 20 minutes).
TIMEOUT_MULTIPLIER = 4


def stage(module: str, tests: list[str]) -> Path:
    """A fresh src-layout copy of the library with the module's tests and mutmut settings."""
    folder = STAGING / module.replace("/", ".")
    shutil.rmtree(folder, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "workflow" / "hybridir", folder / "src" / "hybridir", ignore=ignore)
    for schemas in ("src/schemas", "workflow/schemas"):  # beside the library, and where tests look
        shutil.copytree(REPO / "workflow" / "schemas", folder / schemas, ignore=ignore)
    shutil.copytree(REPO / "tests" / "support", folder / "tests" / "support", ignore=ignore)
    packages = {Path(name).parent for name in tests} | {Path(".")}
    shared = [package / name for package in packages for name in ("__init__.py", "conftest.py")]
    for name in [*shared, *map(Path, tests)]:
        if (REPO / "tests" / name).exists():
            (folder / "tests" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / "tests" / name, folder / "tests" / name)
    selection = ", ".join(f'"tests/{name}"' for name in tests)
    (folder / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f'source_paths = ["src/hybridir/{module}.py"]\n'
        'also_copy = ["src/", "workflow/"]\n'
        'process_isolation = "forkserver"\n'
        f"timeout_multiplier = {TIMEOUT_MULTIPLIER}\n"
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
    )
    return folder


def mutmut(folder: Path, *args: str) -> str:
    """Run mutmut in `folder` on the staged copy only (no PYTHONPATH to the checkout); its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(MUTMUT), *args], cwd=folder, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(
            f"mutmut {' '.join(args)} failed in {folder}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def statuses(folder: Path) -> dict[str, str]:
    """Mutant name -> mutmut status, from `mutmut results --all true`."""
    lines = mutmut(folder, "results", "--all", "true").splitlines()
    return {m[1]: m[2] for line in lines if (m := re.fullmatch(r"\s*(\S+): (.+)", line))}


def test_module(module: str, tests: list[str], children: int) -> tuple[int, int]:
    """Mutate `module`, run its tests; print its score and return (killed, total)."""
    start = time.monotonic()
    folder = stage(module, tests)
    mutmut(folder, "run", "--max-children", str(children))
    status = statuses(folder)
    killed = sum(s in KILLED for s in status.values())
    survivors = sorted(name for name, s in status.items() if s not in KILLED)
    diffs = [mutmut(folder, "show", name) for name in survivors]
    (folder / "survivors.diff").write_text("\n".join(diffs))
    counts = ", ".join(f"{n} {s}" for s, n in sorted(Counter(status.values()).items()))
    minutes = (time.monotonic() - start) / 60
    print(f"{module}: {killed}/{len(status)} killed = {score(killed, len(status))} ({counts}; {minutes:.1f} min)")
    return killed, len(status)


def score(killed: int, total: int) -> str:
    return f"{100 * killed / total:.1f}%" if total else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested in parallel")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose among {', '.join(MODULES)}")
    results = [test_module(m, MODULES[m], args.children) for m in args.modules or MODULES]
    killed, total = (sum(column) for column in zip(*results, strict=True))
    print(f"overall: {killed}/{total} killed = {score(killed, total)}")


if __name__ == "__main__":
    main()
