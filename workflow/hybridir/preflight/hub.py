"""Questions to the Hugging Face Hub: datasets, hf:// paths and models, gated access."""

import fnmatch
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from huggingface_hub import HfApi, constants, get_token
from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

from hybridir import layout
from hybridir.preflight.checks import NOT_READY, OFFLINE, READY

HF_PATH = re.compile(r"^hf://datasets/(?P<repo>[^/@]+/[^/@]+)(?:@(?P<revision>[^/]+))?/(?P<path>.+)$")
DATA_SUFFIXES = (".parquet", ".jsonl", ".json", ".csv", ".tsv", ".txt", ".arrow", ".gz", ".zip", ".zst", ".bz2", ".xz")
WEIGHTS = ("*.safetensors", "pytorch_model*.bin", "model.bin")


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


def is_local_model(model: str) -> bool:
    """A local folder (existing, under results/, or a path) rather than a Hub id owner/name."""
    return os.path.exists(model) or model.startswith(("/", ".", "~", f"{layout.RESULTS}/")) or model.count("/") != 1


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
