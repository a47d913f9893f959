"""Before submitting hundreds of jobs: is every source, model, env file and the device ready?

    python -m hybridir.preflight [--configfile FILE ...] [--replace-workflow-config] [--offline]

Run in the workflow's folder (where config.yaml is). The config is loaded as Snakemake loads it
(config.yaml, then each --configfile merged over it; --replace-workflow-config drops config.yaml),
and nothing is downloaded:
- the workflow: `snakemake --summary` builds the job graph (as a dry run does) and tells which
  rule makes each planned file, so a source or model that a rule makes is ready;
- local sources: exist and are readable (a glob matches at least one file);
- http(s) sources: answer a HEAD request (or a one-byte ranged GET);
- zip:: chains: their outer file, checked as above;
- Hub datasets (`owner/name` ids, hf://datasets/... paths): the repository, revision and files
  exist, a Hub id is not a loading script without data files, its subset is declared, and a
  gated repository (MIRACL) grants access to the token in use;
- models: a Hub id has a config.json (and grants access when gated); a local model is a folder
  with weights;
- env files (envs/*.yaml): parse, and every pin agrees with pyproject.toml;
- devices: each stage's device setting resolves on this machine (hybridir.devices).
One table is printed (entry, what, status, why); the exit status is 1 when anything is not ready.
"""

import argparse
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import fsspec
import yaml
from huggingface_hub import HfApi, constants, get_token
from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

from hybridir.config import load_config
from hybridir.devices import DeviceError, resolve_device, stage_device, torch_cuda
from hybridir.errors import ConfigError
from hybridir.locations import is_file_source, is_remote

READY, NOT_READY, OFFLINE = "ready", "not ready", "not checked offline"
RESULTS = "results"
HF_PATH = re.compile(r"^hf://datasets/(?P<repo>[^/@]+/[^/@]+)(?:@(?P<revision>[^/]+))?/(?P<path>.+)$")
DATA_SUFFIXES = (".parquet", ".jsonl", ".json", ".csv", ".tsv", ".txt", ".arrow", ".gz", ".zip", ".zst", ".bz2", ".xz")
WEIGHTS = ("*.safetensors", "pytorch_model*.bin", "model.bin")
STAGES = ("translation", "training", "evaluation")


@dataclass(frozen=True)
class Check:
    """One row of the table."""

    entry: str
    what: str
    status: str
    why: str


@dataclass(frozen=True)
class Source:
    """One concrete source a config entry reads: a path, URL, fsspec chain or Hub id."""

    entry: str
    what: str
    location: str
    subset: str | None = None


# ---------------------------------------------------------------- what the config reads


def _fill(template: str, lang: str, split: str = "") -> str:
    """A source template for one language (as named in the source) and split."""
    return template.replace("{lang}", lang).replace("{split}", split)


def qa_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for section in ("datasets", "validation_datasets"):
        for spec in config.get(section, []):
            yield Source(f"{section}[{spec['name']}]", "source", spec["source"], spec.get("subset"))


def mined_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("mined_datasets", []):
        for kind, location in spec["source"].items():
            yield Source(f"mined_datasets[{spec['name']}]", kind, location)


def parallel_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("parallel_datasets", []):
        entry = f"parallel_datasets[{spec['name']}]"
        for lang in spec["languages"]:
            name = spec.get("lang_names", {}).get(lang, lang)
            if spec.get("format") == "triples":
                for kind in ("queries", "passages"):
                    yield Source(entry, f"{kind} ({lang})", _fill(spec["source"][kind], name))
            else:
                subset = _fill(spec["subset"], name) if spec.get("subset") else None
                yield Source(entry, f"source ({lang})", _fill(spec["source"], name), subset)
        if spec.get("format") == "triples":
            yield Source(entry, "triples", spec["source"]["triples"])


def benchmark_sources(config: Mapping[str, Any]) -> Iterator[Source]:
    for spec in config.get("benchmarks", []):
        entry = f"benchmarks[{spec['name']}]"
        templates = spec["source"] if isinstance(spec["source"], Mapping) else {"source": spec["source"]}
        if spec.get("reference"):
            templates = {**templates, "reference": spec["reference"]}
        for lang in spec["languages"]:
            for kind, template in templates.items():
                yield Source(entry, f"{kind} ({lang})", _fill(template, lang, spec.get("split", "")))


def config_sources(config: Mapping[str, Any]) -> list[Source]:
    """Every concrete source of the config, each (entry, location) once."""
    found = [*qa_sources(config), *mined_sources(config), *parallel_sources(config), *benchmark_sources(config)]
    unique: dict[tuple[str, str], Source] = {}
    for source in found:
        unique.setdefault((source.entry, source.location), source)
    return list(unique.values())


def config_models(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(config key, model) of the translation model and every encoder."""
    models = [("translation.model", config["translation"]["model"])]
    models += [(f"training.encoders[{e['name']}]", e["model"]) for e in config["training"]["encoders"]]
    return models


# ---------------------------------------------------------------- the workflow's own files


def workflow_outputs(workdir: Path, configfiles: list[str], replace: bool) -> tuple[dict[str, str], str | None]:
    """{planned file: rule that makes it} from `snakemake --summary`, or an error message."""
    snakemake = shutil.which("snakemake") or str(Path(sys.executable).parent / "snakemake")
    args = [snakemake, "--summary", "--quiet"]
    if configfiles:
        args += ["--configfile", *configfiles]
    if replace:
        args.append("--replace-workflow-config")
    try:
        result = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return {}, f"cannot run snakemake: {error}"
    if result.returncode != 0:
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        return {}, " | ".join(lines[-3:]) or f"snakemake exited with {result.returncode}"
    outputs = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] != "output_file":
            outputs[os.path.normpath(fields[0])] = fields[2]
    return outputs, None


# ---------------------------------------------------------------- sources


def check_local(path: str, made_by: Mapping[str, str]) -> tuple[str, str]:
    """A local file or glob: exists and is readable, or a rule of the workflow makes it."""
    rule = made_by.get(os.path.normpath(path))
    if rule:
        return READY, f"made by rule {rule}"
    if any(c in path for c in "*?["):
        matches = glob.glob(path)
        return (READY, f"{len(matches)} files match") if matches else (NOT_READY, "no file matches the glob")
    if not os.path.exists(path):
        return NOT_READY, "file not found (and no rule of the workflow makes it)"
    if not os.access(path, os.R_OK):
        return NOT_READY, "not readable"
    return READY, f"local file, {_size(os.path.getsize(path))}"


def _size(size: int | str) -> str:
    """A byte count in MB (decimal), as the Hub and most servers show sizes."""
    return f"{int(size) / 1e6:.1f} MB"


def check_url(url: str, timeout: float = 30) -> tuple[str, str]:
    """An http(s) URL answers HEAD (or, where HEAD is refused, a one-byte ranged GET)."""
    attempts = [("HEAD", {}), ("GET", {"Range": "bytes=0-0"})]
    for method, headers in attempts:
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "hybridir-preflight", **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length") if method == "HEAD" else None
                return READY, f"HTTP {response.status} to {method}" + (f", {_size(length)}" if length else "")
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return NOT_READY, f"HTTP {error.code} {error.reason}"
        except (urllib.error.URLError, OSError) as error:
            return NOT_READY, f"unreachable: {getattr(error, 'reason', error)}"
    return NOT_READY, "refused HEAD and ranged GET"


def glob_match(name: str, pattern: str) -> bool:
    """A repository file name against a glob whose wildcards stay within one folder level."""
    parts, wanted = name.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted, strict=True))


class Hub:
    """Questions to the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN), each asked once per repository."""

    def __init__(self) -> None:
        self.api = HfApi()
        self.endpoint = constants.ENDPOINT
        self.offline = constants.is_offline_mode()
        self.token = get_token()
        self._repos: dict[tuple[str, str, str | None], tuple[Any, str | None]] = {}

    def repo(self, repo_type: str, repo_id: str, revision: str | None) -> tuple[Any, str | None]:
        """The repository's info (None when unreadable) and why it cannot be read, if so."""
        key = (repo_type, repo_id, revision)
        if key not in self._repos:
            self._repos[key] = self._ask(repo_type, repo_id, revision)
        return self._repos[key]

    def _ask(self, repo_type: str, repo_id: str, revision: str | None) -> tuple[Any, str | None]:
        getter = self.api.dataset_info if repo_type == "dataset" else self.api.model_info
        try:
            info = getter(repo_id, revision=revision)
        except RevisionNotFoundError:
            return None, f"revision {revision} not found in {repo_type} {repo_id}"
        except RepositoryNotFoundError:
            token = "no token found" if self.token is None else "or the token in use cannot see it"
            return None, f"{repo_type} repository {repo_id} not found (private? {token})"
        return info, self._access(repo_type, repo_id) if info.gated else None

    def _access(self, repo_type: str, repo_id: str) -> str | None:
        """None when the token in use may read the gated repository, else what to do."""
        try:
            self.api.auth_check(repo_id, repo_type=repo_type)
        except GatedRepoError:
            url = f"{self.endpoint}/{'datasets/' if repo_type == 'dataset' else ''}{repo_id}"
            if self.token is None:
                return f"gated: accept its terms at {url}, then export HF_TOKEN (no token found)"
            return f"gated: the token in use has no access; accept the terms at {url} with its account"
        return None


def _files(info: Any) -> list[str]:
    return [sibling.rfilename for sibling in info.siblings or []]


def check_hf_path(hub: Hub, location: str) -> tuple[str, str]:
    """An hf://datasets/owner/name[@revision]/path (globs allowed) names files that exist."""
    match = HF_PATH.match(location)
    if not match:
        return NOT_READY, "expected hf://datasets/OWNER/NAME[@REVISION]/PATH"
    repo_id, revision, pattern = match["repo"], match["revision"], match["path"]
    revision = unquote(revision) if revision else None
    info, problem = hub.repo("dataset", repo_id, revision)
    if info is None:
        return NOT_READY, problem
    files = [name for name in _files(info) if glob_match(name, pattern)]
    if not files:
        return NOT_READY, f"no file matches {pattern!r} at {revision or 'main'} of {repo_id}"
    if problem:
        return NOT_READY, problem
    at = f" at {revision}" if revision else ""
    return READY, f"{len(files)} file(s) match{at}" if len(files) > 1 else f"file exists{at}"


def check_hub_dataset(hub: Hub, repo_id: str, subset: str | None) -> tuple[str, str]:
    """A Hub dataset id: exists, has data files (not only a loading script), declares its subset."""
    info, problem = hub.repo("dataset", repo_id, None)
    if info is None:
        return NOT_READY, problem
    files = _files(info)
    scripts = [name for name in files if name.endswith(".py") and "/" not in name]
    if scripts and not any(name.lower().endswith(DATA_SUFFIXES) for name in files):
        return NOT_READY, (
            f"a loading script ({scripts[0]}) without data files: datasets 5.x cannot load it; "
            "point `source` at a data file (hf://datasets/...)"
        )
    card = info.card_data.to_dict() if info.card_data else {}
    subsets = [c.get("config_name") for c in card.get("configs", [])]
    if subset and subset not in subsets:
        return NOT_READY, f"subset {subset!r} is not declared by the dataset (it has {subsets or ['default']})"
    if problem:
        return NOT_READY, problem
    return READY, f"{len(files)} files" + (f", subset {subset}" if subset else "")


def check_location(
    location: str, subset: str | None, made_by: Mapping[str, str], hub: Hub, offline: bool
) -> tuple[str, str]:
    """(status, why) of one source: a local file, an URL, a chain, an hf:// path or a Hub id."""
    if "::" in location:
        status, why = check_location(location.split("::")[-1], None, made_by, hub, offline)
        return status, f"outer file: {why} (member not opened)"
    if not is_remote(location) and is_file_source(location):
        return check_local(location, made_by)
    on_hub = location.startswith("hf://") or not is_remote(location)
    if offline or (on_hub and hub.offline):
        return OFFLINE, "--offline" if offline else "HF_HUB_OFFLINE is set"
    if location.startswith(("http://", "https://")):
        return check_url(location)
    if location.startswith("hf://"):
        return check_hf_path(hub, location)
    if not is_remote(location):
        return check_hub_dataset(hub, location, subset)
    return check_fsspec(location)


def check_fsspec(location: str) -> tuple[str, str]:
    """Any other fsspec protocol (s3://, gs://, ...): the file exists."""
    try:
        fs, path = fsspec.core.url_to_fs(location)
        return (READY, "exists") if fs.exists(path) else (NOT_READY, "file not found")
    except ImportError as error:
        return NOT_READY, f"the protocol needs a package that is not installed: {error}"


# ---------------------------------------------------------------- models, envs, devices


def is_local_model(model: str) -> bool:
    """A local folder (existing, under results/, or a path) rather than a Hub id owner/name."""
    return os.path.exists(model) or model.startswith(("/", ".", "~", f"{RESULTS}/")) or model.count("/") != 1


def check_model(model: str, made_by: Mapping[str, str], hub: Hub, offline: bool) -> tuple[str, str]:
    """A Hub model id has a config.json (and grants access); a local model is a folder with weights."""
    if is_local_model(model):
        rule = made_by.get(os.path.normpath(model))
        if rule:
            return READY, f"made by rule {rule}"
        folder = Path(model).expanduser()
        if not folder.is_dir():
            return NOT_READY, "no such directory (and no rule of the workflow makes it)"
        if not any(next(folder.rglob(pattern), None) for pattern in WEIGHTS):
            return NOT_READY, f"no weights ({', '.join(WEIGHTS)}) in the folder"
        return READY, "local folder with weights"
    if offline or hub.offline:
        return OFFLINE, "--offline" if offline else "HF_HUB_OFFLINE is set"
    info, problem = hub.repo("model", model, None)
    if info is None or problem:
        return NOT_READY, problem
    if "config.json" not in _files(info):
        return NOT_READY, "no config.json in the repository"
    return READY, "config.json present"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins(path: Path) -> dict[str, str]:
    """{normalised name: version} of every `name==version` dependency of pyproject.toml."""
    project = tomllib.loads(path.read_text())["project"]
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        if version:
            pins[_normal(name.strip())] = version.strip()
    return pins


def env_pins(env: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """({normalised name: version} of a conda env file's pins, pip requirements without an == pin)."""
    pins, unpinned = {}, []
    for dependency in env.get("dependencies") or []:
        if isinstance(dependency, Mapping):
            for requirement in dependency.get("pip", []):
                name, _, version = requirement.partition("==")
                if version:
                    pins[_normal(name.strip())] = version.strip()
                else:
                    unpinned.append(requirement)
        else:
            name, _, version = str(dependency).partition("=")
            pins[_normal(name.strip())] = version.lstrip("=").strip()
    return pins, unpinned


def check_env(path: Path, reference: Mapping[str, str]) -> tuple[str, str]:
    """An env file parses, pins every pip package with ==, and agrees with pyproject.toml."""
    try:
        env = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        return NOT_READY, f"cannot be read as YAML: {error}"
    if not isinstance(env, Mapping):
        return NOT_READY, "not a conda environment mapping"
    pins, unpinned = env_pins(env)
    if unpinned:
        return NOT_READY, f"pip packages without an == pin: {', '.join(unpinned)}"
    disagree = [f"{n}=={v} (pyproject.toml: {reference[n]})" for n, v in pins.items() if reference.get(n, v) != v]
    if disagree:
        return NOT_READY, f"pins disagree with pyproject.toml: {'; '.join(disagree)}"
    return READY, f"{len(pins)} pins, agreeing with pyproject.toml"


def check_device(config: Mapping[str, Any], section: str) -> tuple[str, str]:
    """The stage's device setting resolves on this machine."""
    key = f"{section}.device"
    setting = stage_device(config, section)
    try:
        device = resolve_device(setting, key, torch_cuda)
    except DeviceError as error:
        return NOT_READY, f"{error} (run the preflight where the jobs run, e.g. in a GPU allocation)"
    seen = torch_cuda()[1]
    return READY, f"{setting} -> {device} ({seen})"


# ---------------------------------------------------------------- the table


def _guarded(entry: str, what: str, check: Callable[[], tuple[str, str]]) -> Check:
    """Run one check; an unexpected error becomes a not-ready row instead of ending the preflight."""
    try:
        status, why = check()
    except Exception as error:
        status, why = NOT_READY, f"check failed: {type(error).__name__}: {error}"
    return Check(entry, what, status, why)


def preflight(config: Mapping[str, Any], workdir: Path, made_by: Mapping[str, str], offline: bool) -> list[Check]:
    """Every row of the table but the workflow's own (which needs Snakemake)."""
    hub = Hub()
    rows = [
        _guarded(
            s.entry, f"{s.what}: {s.location}", lambda s=s: check_location(s.location, s.subset, made_by, hub, offline)
        )
        for s in config_sources(config)
    ]
    rows += [
        _guarded(key, f"model: {model}", lambda m=model: check_model(m, made_by, hub, offline))
        for key, model in config_models(config)
    ]
    reference = pyproject_pins(workdir / "pyproject.toml")
    rows += [
        _guarded(f"envs/{path.name}", "conda env file", lambda p=path: check_env(p, reference))
        for path in sorted((workdir / "envs").glob("*.yaml"))
    ]
    rows += [_guarded(f"{section}.device", "device", lambda s=section: check_device(config, s)) for section in STAGES]
    return rows


def format_table(rows: list[Check]) -> str:
    """The rows as an aligned text table with a count of each status."""
    header = Check("entry", "what", "status", "why")
    widths = [max(len(getattr(row, f)) for row in [header, *rows]) for f in ("entry", "what", "status")]
    lines = [
        f"{row.entry:<{widths[0]}}  {row.what:<{widths[1]}}  {row.status:<{widths[2]}}  {row.why}"
        for row in [header, *rows]
    ]
    counts = {status: sum(row.status == status for row in rows) for status in (READY, NOT_READY, OFFLINE)}
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m hybridir.preflight", description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", nargs="+", action="extend", default=[], help="config files merged in order")
    parser.add_argument(
        "--replace-workflow-config", action="store_true", help="do not start from the workflow's config.yaml"
    )
    parser.add_argument("--offline", action="store_true", help="check local files only (remote rows: not checked)")
    parser.add_argument("--directory", default=".", help="the workflow's folder (default: the current one)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(args.directory).resolve()
    os.chdir(workdir)
    files = ([] if args.replace_workflow_config else ["config.yaml"]) + args.configfile
    try:
        config = load_config(*files) if files else None
    except (ConfigError, OSError) as error:
        print(f"preflight: the config cannot be loaded: {error}", file=sys.stderr)
        return 2
    if config is None:
        print("preflight: --replace-workflow-config needs --configfile", file=sys.stderr)
        return 2
    made_by, problem = workflow_outputs(workdir, args.configfile, args.replace_workflow_config)
    why = problem or f"the job graph builds ({len(made_by)} planned files)"
    rows = [Check("workflow", "snakemake --summary (dry run)", NOT_READY if problem else READY, why)]
    rows += preflight(config, workdir, made_by, args.offline)
    print(format_table(rows))
    return 1 if any(row.status == NOT_READY for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
