"""The preflight: one table of what is ready before hundreds of jobs are submitted."""

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hybridir.config import load_config
from hybridir.envs import pyproject_pins
from hybridir.preflight.checks import NOT_READY, READY, check_env
from hybridir.preflight.hub import HF_PATH, glob_match, is_local_model
from hybridir.preflight.sources import config_sources
from tests.support import REPO

# File names on refs/convert/parquet of clips/mfaq (en_flat), as the Hub lists them.
MFAQ_FILES = [
    "en_flat/mfaq-train-00000-of-00003.parquet",
    "en_flat/mfaq-train-00001-of-00003.parquet",
    "en_flat/mfaq-train-00002-of-00003.parquet",
    "en_flat/mfaq-validation.parquet",
]


def test_mfaq_glob_matches_the_published_train_files() -> None:
    source = next(d for d in load_config(REPO / "config.yaml")["datasets"] if d["name"] == "mfaq_en")["source"]
    pattern = HF_PATH.match(source)["path"]
    assert [name for name in MFAQ_FILES if glob_match(name, pattern)] == MFAQ_FILES[:3]
    assert not any(glob_match(name, "en_flat/train/*.parquet") for name in MFAQ_FILES)


def test_glob_wildcards_stay_within_a_folder() -> None:
    assert glob_match("a/b.parquet", "a/*.parquet")
    assert not glob_match("a/x/b.parquet", "a/*.parquet")


def test_every_source_of_the_paper_config_is_listed_once() -> None:
    sources = config_sources(load_config(REPO / "config.yaml"))
    entries = {source.entry for source in sources}
    assert {"datasets[entityquestions]", "mined_datasets[entityquestions]", "parallel_datasets[mmarco]"} <= entries
    miracl = [s.location for s in sources if s.entry == "benchmarks[miracl]"]
    assert len(miracl) == 15 * 3 and all("{" not in location for location in miracl)
    assert len([s for s in sources if s.entry == "parallel_datasets[mmarco]"]) == 7 * 2 + 1


def test_a_beir_benchmark_and_dataset_list_their_three_files_with_the_split() -> None:
    config = load_config(REPO / "profiles" / "demo" / "pipeline.yaml")
    source = {"corpus": "b/corpus.jsonl", "queries": "b/queries.jsonl", "qrels": "b/qrels/{split}.tsv"}
    config["benchmarks"].append(
        {"name": "fiqa", "format": "beir", "source": source, "split": "test", "languages": ["en"]}
    )
    config["datasets"].append({"name": "fiqa_train", "format": "beir", "source": source, "split": "train"})
    found = {(s.entry, s.location) for s in config_sources(config) if "fiqa" in s.entry}
    assert found == {
        *(
            (entry, f"b/{name}.jsonl")
            for entry in ("benchmarks[fiqa]", "datasets[fiqa_train]")
            for name in source
            if name != "qrels"
        ),
        ("benchmarks[fiqa]", "b/qrels/test.tsv"),
        ("datasets[fiqa_train]", "b/qrels/train.tsv"),
    }


@pytest.mark.parametrize(
    ("model", "local"),
    [("FacebookAI/xlm-roberta-base", False), ("results/demo/models/x", True), ("/abs/m", True), ("models/a/b", True)],
)
def test_models_are_hub_ids_or_folders(model: str, local: bool) -> None:
    assert is_local_model(model) is local


def test_env_pins_must_agree_with_pyproject(tmp_path: Path) -> None:
    reference = pyproject_pins(REPO / "pyproject.toml")
    env = {"dependencies": ["python=3.11", {"pip": ["pandas==0.1", "tqdm"]}]}
    path = tmp_path / "env.yaml"
    path.write_text(yaml.safe_dump(env))
    assert check_env(path, reference) == (NOT_READY, "packages without an == pin: tqdm")
    env["dependencies"][1]["pip"] = ["pandas==0.1", f"tqdm=={reference['tqdm']}"]
    path.write_text(yaml.safe_dump(env))
    status, why = check_env(path, reference)
    assert status == NOT_READY and f"pandas==0.1 (pyproject.toml: {reference['pandas']})" in why
    path.write_text("dependencies: [")
    assert check_env(path, reference)[0] == NOT_READY


def run_preflight(workdir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hybridir.preflight", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def table_rows(output: str) -> list[list[str]]:
    """Rows of the printed table as [entry, what, status, why] (columns split on two spaces)."""
    rows = []
    for line in output.splitlines()[1:-1]:
        for status in ("not checked offline", NOT_READY, READY):
            marker = f"  {status}  "
            if marker in line:
                left, why = line.split(marker, 1)
                entry, what = left.split("  ", 1)
                rows.append([entry.strip(), what.strip(), status, why.strip()])
                break
    return rows


def test_demo_config_is_ready_with_rule_made_sources(workflow_copy: Path) -> None:
    result = run_preflight(workflow_copy, "--configfile", "profiles/demo/pipeline.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = table_rows(result.stdout)
    assert rows and all(row[2] == READY for row in rows), result.stdout
    by_what = {row[1]: row[3] for row in rows}
    assert by_what["source: results/demo/data/qa/facts.jsonl"] == "made by rule demo_data"
    assert by_what["model: results/demo/models/nllb-tiny"] == "made by rule demo_nllb_model"
    assert {row[0] for row in rows} >= {"workflow", "envs/data.yaml", "translation.device", "evaluation.device"}
    assert result.stdout.splitlines()[-1] == f"{len(rows)} ready, 0 not ready, 0 not checked offline"


HUB_REPOS = {
    "/api/datasets/gated-org/gated-data": {"gated": "manual", "siblings": [{"rfilename": "data/train.jsonl"}]},
    "/api/datasets/script-org/script-data": {"siblings": [{"rfilename": "script-data.py"}]},
    "/api/models/org/tiny-mt": {"siblings": [{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}]},
}


class FakeHub(http.server.BaseHTTPRequestHandler):
    """The Hub API (HF_ENDPOINT) for HUB_REPOS: a gated dataset, a loading-script dataset, a model."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/api/datasets/gated-org/gated-data/auth-check":
            self.reply(401, {"error": "restricted"}, {"X-Error-Code": "GatedRepo", "X-Error-Message": "restricted"})
        elif path in HUB_REPOS:
            self.reply(200, {"id": path.split("/", 3)[3], **HUB_REPOS[path]})
        else:
            self.reply(404, {"error": "not found"}, {"X-Error-Code": "RepoNotFound"})

    def reply(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_hub() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def broken_config(tmp_path: Path, served: str) -> Path:
    """The demo config with a missing file, a 404, a gated and a script dataset, an unknown model dir."""
    config = yaml.safe_load((REPO / "profiles/demo/pipeline.yaml").read_text())
    sources = [f"{tmp_path}/missing/facts.jsonl", "hf://datasets/gated-org/gated-data/data/train.jsonl"]
    for dataset, source in zip(config["datasets"], [*sources, "script-org/script-data"], strict=True):
        dataset["source"] = source
    config["benchmarks"][0]["source"] = f"{served}/lareqa/{{lang}}.json"
    config["translation"]["model"] = "org/tiny-mt"
    config["training"]["encoders"][0]["model"] = f"{tmp_path}/no-such-model"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_broken_entries_are_named_with_the_reason(workflow_copy: Path, tmp_path: Path, http_files, fake_hub) -> None:
    folder, served = http_files
    (folder / "lareqa").mkdir()
    (folder / "lareqa" / "en.json").write_text("{}")
    environment = {
        "HF_ENDPOINT": fake_hub,
        "HF_HUB_OFFLINE": "0",
        "TRANSFORMERS_OFFLINE": "0",
        "HF_TOKEN": "",
        "HF_HOME": str(tmp_path / "hf-home"),
        "NO_PROXY": "127.0.0.1",
    }
    config = broken_config(tmp_path, served)
    result = run_preflight(workflow_copy, "--configfile", str(config), env=environment)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {(row[0], row[1].split(": ", 1)[-1]): row[2:] for row in table_rows(result.stdout)}
    assert rows[("workflow", "snakemake --summary (dry run)")][0] == READY
    assert rows[("datasets[facts]", f"{tmp_path}/missing/facts.jsonl")] == [
        NOT_READY,
        "file not found (and no rule of the workflow makes it)",
    ]
    assert rows[("datasets[extra]", "hf://datasets/gated-org/gated-data/data/train.jsonl")] == [
        NOT_READY,
        f"gated: accept its terms at {fake_hub}/datasets/gated-org/gated-data, then export HF_TOKEN (no token found)",
    ]
    status, why = rows[("datasets[english_only]", "script-org/script-data")]
    assert status == NOT_READY and why.startswith("a loading script (script-data.py) without data files")
    assert rows[("benchmarks[demo_lareqa]", f"{served}/lareqa/en.json")] == [READY, "HTTP 200 to HEAD, 0.0 MB"]
    assert rows[("benchmarks[demo_lareqa]", f"{served}/lareqa/de.json")] == [NOT_READY, "HTTP 404 File not found"]
    assert rows[("translation.model", "org/tiny-mt")] == [READY, "config.json present"]
    assert rows[("training.encoders[tiny]", f"{tmp_path}/no-such-model")] == [
        NOT_READY,
        "no such directory (and no rule of the workflow makes it)",
    ]


def test_offline_rows_are_not_checked(workflow_copy: Path, tmp_path: Path) -> None:
    config = broken_config(tmp_path, "http://127.0.0.1:9")
    result = run_preflight(workflow_copy, "--configfile", str(config), "--offline")
    rows = {row[1].split(": ", 1)[-1]: row[2:] for row in table_rows(result.stdout)}
    assert rows["http://127.0.0.1:9/lareqa/en.json"] == ["not checked offline", "--offline"]
    assert rows["org/tiny-mt"] == ["not checked offline", "--offline"]
    assert result.returncode == 1  # the missing file and the unknown model folder are still not ready


def test_config_errors_stop_the_preflight(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "profiles/demo/pipeline.yaml").read_text()) | {"seed": -1}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config))
    result = run_preflight(REPO, "--configfile", str(path))
    assert result.returncode == 2 and "config key seed" in result.stderr
