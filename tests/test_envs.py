"""Each rule's conda env holds every third-party package its script imports, through the library,
transitively; env pins agree with pyproject.toml; the Snakefile itself needs only Snakemake's own
dependencies."""

import importlib.metadata
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from hybridir.envs import env_pins, normalise, pyproject_pins
from hybridir.imports import external_imports, third_party_imports
from tests.support import REPO

RULES = REPO / "workflow" / "rules"
ENVS = REPO / "envs"
# modules whose import needs a distribution other than their own, at run time
EXTRA_DISTRIBUTIONS = {
    "torch.utils.tensorboard": ["tensorboard"],
    # tokenizers of XLM-R, LaBSE and NLLB load from sentencepiece models when no tokenizer.json is given
    "transformers": ["tokenizers", "sentencepiece", "protobuf"],
    "sentence_transformers": ["tokenizers", "sentencepiece", "protobuf"],
    # fsspec's http(s) filesystem, for https:// and zip::https:// sources
    "datasets": ["aiohttp"],
}
# distributions that Snakemake itself depends on: what the Snakefile may import
SNAKEMAKE_DEPENDENCIES = {"yaml", "jsonschema"}


def rule_scripts_and_envs(rules: Path = RULES) -> list[tuple[str, Path, Path]]:
    """(rule, script, env file) of every rule with a `script:` and a `conda:` directive."""
    found = []
    for smk in sorted(rules.glob("*.smk")):
        for name, body in re.findall(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", smk.read_text(), re.M | re.S):
            script = re.search(r'^\s+script:\n\s+"([^"]+)"', body, re.M)
            conda = re.search(r'^\s+conda:\n\s+"([^"]+)"', body, re.M)
            if script and conda:
                found.append((name, (smk.parent / script[1]).resolve(), (smk.parent / conda[1]).resolve()))
    return found


@cache
def installed_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def distributions(module: str) -> set[str]:
    """The distributions that provide a top-level module, as installed in this environment."""
    return {normalise(d) for d in installed_distributions().get(module, [])}


def required_distributions(script: Path) -> dict[str, set[str]]:
    """Per imported module (top-level or dotted), the distributions it needs."""
    needs = {top: distributions(top) for top in third_party_imports(script)}
    for name in external_imports(script):
        for prefix, extra in EXTRA_DISTRIBUTIONS.items():
            if name == prefix or name.startswith(f"{prefix}."):
                needs.setdefault(prefix, set()).update(normalise(d) for d in extra)
    return needs


def missing_packages(rule: str, script: Path, env: Path) -> list[str]:
    """Messages naming the rule, the env file and each package its script needs that the env lacks."""
    pins = env_pins(yaml.safe_load(env.read_text()))
    problems = []
    for module, needed in sorted(required_distributions(script).items()):
        if not needed:
            problems.append(f"rule {rule}: {script.name} imports {module!r}, which no installed distribution provides")
        for distribution in sorted(needed - pins.keys()):
            problems.append(
                f"rule {rule}: env {env.relative_to(env.parents[1])} lacks {distribution!r} "
                f"(its script {script.name} imports {module!r})"
            )
    return problems


@pytest.mark.parametrize(("rule", "script", "env"), rule_scripts_and_envs(), ids=lambda v: getattr(v, "name", v))
def test_every_rule_env_holds_what_its_script_imports(rule: str, script: Path, env: Path) -> None:
    assert missing_packages(rule, script, env) == []


def test_every_rule_with_a_script_has_an_env() -> None:
    with_env = {rule for rule, _, _ in rule_scripts_and_envs()}
    scripts = {
        name
        for smk in RULES.glob("*.smk")
        for name, body in re.findall(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", smk.read_text(), re.M | re.S)
        if "script:" in body
    }
    assert scripts == with_env and len(scripts) > 20


def test_the_closure_check_finds_a_package_missing_from_an_env(tmp_path: Path) -> None:
    rules, envs, scripts = tmp_path / "rules", tmp_path / "envs", tmp_path / "scripts"
    for folder in (rules, envs, scripts):
        folder.mkdir()
    (scripts / "job.py").write_text("from hybridir.tables import write_table\nimport sacrebleu\n")
    (envs / "light.yaml").write_text(
        yaml.safe_dump({"dependencies": ["python=3.11", {"pip": ["pandas==3.1.1", "pyarrow==26.0.1"]}]})
    )
    (rules / "job.smk").write_text(
        'rule job:\n    output:\n        "x"\n    conda:\n        "../envs/light.yaml"\n'
        '    script:\n        "../scripts/job.py"\n'
    )
    ((rule, script, env),) = rule_scripts_and_envs(rules)
    problems = "\n".join(missing_packages(rule, script, env))
    assert "rule job: env envs/light.yaml lacks 'sacrebleu' (its script job.py imports 'sacrebleu')" in problems
    # hybridir.tables reads schemas with pyyaml: found through the library, not the script
    assert "lacks 'pyyaml'" in problems
    assert "lacks 'pandas'" not in problems


@pytest.mark.parametrize("env", sorted(ENVS.glob("*.yaml")), ids=lambda p: p.name)
def test_env_pins_agree_with_pyproject(env: Path) -> None:
    pyproject = pyproject_pins(REPO / "pyproject.toml")
    for name, version in env_pins(yaml.safe_load(env.read_text())).items():
        if name in ("python", "pip"):
            continue
        assert version is not None, f"{env.name}: {name} is not pinned"
        assert name in pyproject, f"{env.name}: {name} is not in pyproject.toml"
        assert version == pyproject[name], f"{env.name}: {name}=={version}, pyproject.toml pins {pyproject[name]}"


def test_the_snakefile_needs_only_snakemakes_own_dependencies(tmp_path: Path) -> None:
    imports = [
        line for line in (RULES / "common.smk").read_text().splitlines() if line.startswith(("from ", "import "))
    ]
    assert any("hybridir" in line for line in imports)
    probe = tmp_path / "snakefile_imports.py"
    probe.write_text("\n".join(imports) + "\n")
    assert third_party_imports(probe) <= SNAKEMAKE_DEPENDENCIES
