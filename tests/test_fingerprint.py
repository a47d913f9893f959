"""Code fingerprints follow what a job's script really imports, transitively; every rule carries
its own script's fingerprint; a job runs the library of the checkout it belongs to."""

import os
import re
import subprocess
import sys
from pathlib import Path

from hybridir.imports import PACKAGE, library_files, third_party_imports
from hybridir.tables import read_provenance
from tests.support import REPO, snakemake

SCRIPTS = REPO / "workflow" / "scripts"


def relative(paths: list[Path]) -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in paths}


def test_a_scripts_library_files_are_its_imports_followed_transitively() -> None:
    files = relative(library_files(SCRIPTS / "fetch_qa.py"))
    # fetch_qa -> fetch.qa -> sources -> locations; packages' __init__ run on import
    assert {"__init__.py", "fetch/__init__.py", "fetch/qa.py", "sources.py", "locations.py", "tables.py"} <= files
    assert not files & {"report/figures/base.py", "train/trainer.py", "evaluate/search.py"}


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text("def main():\n    from hybridir.torch_devices import torch_cuda\n    return torch_cuda()\n")
    assert "torch_devices.py" in relative(library_files(script))
    assert "torch" in third_party_imports(script)


def fingerprint_in(library: Path, script: str) -> str:
    """script_fingerprint computed by the library copy at `library` (a fresh interpreter)."""
    code = f"from hybridir.fingerprint import script_fingerprint; print(script_fingerprint({script!r}))"
    env = {**os.environ, "PYTHONPATH": str(library)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_a_fingerprint_changes_with_a_transitively_imported_module_only(workflow_copy: Path) -> None:
    library, script = workflow_copy / "workflow", str(workflow_copy / "workflow" / "scripts" / "fetch_qa.py")
    before = fingerprint_in(library, script)
    figures = library / "hybridir" / "report" / "figures" / "base.py"
    figures.write_text(figures.read_text() + "\n# unrelated edit\n")
    assert fingerprint_in(library, script) == before
    locations = library / "hybridir" / "locations.py"
    locations.write_text(locations.read_text() + "\n# edit in a module reached through sources.py\n")
    assert fingerprint_in(library, script) != before


def test_every_rule_fingerprints_the_script_it_runs() -> None:
    rules = 0
    for smk in (REPO / "workflow" / "rules").glob("*.smk"):
        for name, body in re.findall(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", smk.read_text(), re.M | re.S):
            script = re.search(r'script:\n\s+"\.\./scripts/(\w+)\.py"', body)
            if script is None:
                continue
            rules += 1
            assert f'code=script_code("{script[1]}")' in body, (
                f"rule {name} ({smk.name}) does not fingerprint {script[1]}"
            )
    assert rules > 20


def test_a_job_runs_the_library_of_its_own_checkout(workflow_copy: Path) -> None:
    """The test environment's hybridir is this repository's (an editable install); a job in another
    checkout must run that checkout's library, not the installed one."""
    init = workflow_copy / "workflow" / "hybridir" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', '__version__ = "0.1.0+second-checkout"'))
    target = "results/fetch/qa/facts.parquet"
    snakemake(workflow_copy, "--profile", "profiles/demo", target)
    assert read_provenance(workflow_copy / target)["hybridir_version"] == "0.1.0+second-checkout"
