"""Training: InfoNCE, the cached loss, torchrun with gloo, kill-and-resume, SentenceTransformer output."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from conftest import BIN
from safetensors.torch import load_file
from sentence_transformers import SentenceTransformer

from hybridir.demo import LANGUAGES, make_towns
from hybridir.tables import read_table, write_table
from hybridir.tiny import build_tiny_encoder
from hybridir.train.loss import InfoNCE
from hybridir.train.options import TrainingOptions
from hybridir.train.trainer import Trainer


def town_corpus() -> pd.DataFrame:
    rows = []
    for t, town in enumerate(make_towns(30, 5, set())):
        for fact in town.facts:
            negative = {lang: [make_towns(1, t, set())[0].paragraph(lang)[0]] for lang in LANGUAGES}
            for lang in LANGUAGES:
                question, passage = town.question(fact, lang), town.sentence(fact, lang)
                rows.append((f"towns/{town.name}-{fact}", "towns", lang, question, passage, negative[lang]))
    return pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage", "negative_passages"])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("train")
    corpus = town_corpus()
    write_table(corpus, folder / "corpus.parquet", "parallel")
    texts = list(corpus["question"]) + list(corpus["passage"])
    return {
        "folder": folder,
        "corpus": folder / "corpus.parquet",
        "deterministic": build_tiny_encoder(texts, folder / "encoder-no-dropout", dropout=0.0),
        "dropout": build_tiny_encoder(texts, folder / "encoder"),
    }


def options(**overrides) -> TrainingOptions:
    settings = {"steps": 6, "batch_size": 8, "learning_rate": 1e-3, "checkpoint_steps": 1000, "seed": 3}
    return TrainingOptions(**(settings | overrides))


def run_command(workspace: dict[str, Path], name: str, encoder: str, opts: TrainingOptions) -> list[str]:
    folder = workspace["folder"] / name
    folder.mkdir(exist_ok=True)
    (folder / "options.json").write_text(json.dumps(opts.__dict__))
    return [
        "-m", "hybridir.train.run", "--model", str(workspace[encoder]), "--corpus", str(workspace["corpus"]),
        "--languages", *LANGUAGES, "--options", str(folder / "options.json"), "--output", str(folder / "model"),
        "--checkpoint", str(folder / "checkpoint.pt"), "--training-log", str(folder / "log.parquet"),
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_info_nce_is_cross_entropy_over_cosine_scores() -> None:
    torch.manual_seed(0)
    q, p, n = torch.randn(4, 8), torch.randn(4, 8), torch.randn(2, 8)
    scores = F.normalize(q, dim=-1) @ F.normalize(torch.cat([p, n]), dim=-1).T / 0.1
    expected = F.cross_entropy(scores, torch.arange(4))
    assert torch.allclose(InfoNCE(0.1)(q, p, n), expected)


def test_two_processes_give_the_loss_of_one_over_the_same_global_batch(workspace: dict[str, Path]) -> None:
    opts = options(steps=4, hard_negatives=True)
    single = run_command(workspace, "single", "deterministic", opts)
    subprocess.run([sys.executable, *single], check=True, capture_output=True)
    double = run_command(workspace, "double", "deterministic", opts)
    launcher = [str(BIN / "torchrun"), "--nproc_per_node", "2", "--master_port", str(free_port())]
    result = subprocess.run(
        [*launcher, *double], capture_output=True, text=True, env=os.environ | {"OMP_NUM_THREADS": "1"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    one = read_table(workspace["folder"] / "single" / "log.parquet", "training_log")
    two = read_table(workspace["folder"] / "double" / "log.parquet", "training_log")
    assert one["pairs"].tolist() == two["pairs"].tolist()
    assert (one["loss"] - two["loss"]).abs().max() < 1e-5, pd.DataFrame({"one": one["loss"], "two": two["loss"]})


def test_the_cached_loss_gives_the_same_training(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    plain = Trainer(str(workspace["deterministic"]), corpus, LANGUAGES, options(steps=3, bf16=False))
    cached_options = options(steps=3, cached=True, cache_chunk=3, bf16=False)
    cached = Trainer(str(workspace["deterministic"]), corpus, LANGUAGES, cached_options)
    for batch in plain.batches:
        assert abs(plain.train_step(batch) - cached.train_step(batch)) < 1e-5
    for (name, a), b in zip(plain.model.state_dict().items(), cached.model.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-5), name


def test_a_killed_run_resumes_to_the_same_weights(workspace: dict[str, Path]) -> None:
    opts = options(steps=60, checkpoint_steps=5)
    whole = run_command(workspace, "whole", "dropout", opts)
    subprocess.run([sys.executable, *whole], check=True, capture_output=True)
    resumed = run_command(workspace, "resumed", "dropout", opts)
    checkpoint = workspace["folder"] / "resumed" / "checkpoint.pt"
    job = subprocess.Popen([sys.executable, *resumed], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not checkpoint.exists() and job.poll() is None:
        time.sleep(0.01)
    job.send_signal(signal.SIGKILL)
    job.wait()
    assert not (workspace["folder"] / "resumed" / "model").exists(), "the run ended before it was killed"
    result = subprocess.run([sys.executable, *resumed], check=True, capture_output=True, text=True)
    assert "resumed from" in result.stderr
    first = load_file(workspace["folder"] / "whole" / "model" / "model.safetensors")
    second = load_file(workspace["folder"] / "resumed" / "model" / "model.safetensors")
    assert first.keys() == second.keys()
    assert all(torch.allclose(first[k], second[k], atol=1e-6) for k in first)
    one = read_table(workspace["folder"] / "whole" / "log.parquet", "training_log")
    two = read_table(workspace["folder"] / "resumed" / "log.parquet", "training_log")
    assert (one["loss"] - two["loss"]).abs().max() < 1e-6


def test_loss_falls_and_the_model_loads_with_sentence_transformers(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    validation = corpus[corpus["lang"] == "en"].head(40)
    opts = options(steps=60, batch_size=16, eval_steps=20, patience=5)
    trainer = Trainer(str(workspace["dropout"]), corpus, LANGUAGES, opts, validation=validation)
    output = workspace["folder"] / "falls"
    log = trainer.fit(output / "model", output / "checkpoint.pt", output / "tensorboard")
    assert log["loss"].tail(10).mean() < log["loss"].head(10).mean()
    assert log["val_loss"].dropna().iloc[-1] < log["val_loss"].dropna().iloc[0]
    model = SentenceTransformer(str(output / "model"))
    assert model.encode(["Query: When was it founded?"]).shape == (1, 32)
    assert model.prompts["query"] == "Query: " and model.prompts["passage"] == "Passage: "
    assert list((output / "tensorboard").glob("events.out.tfevents.*"))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="bf16 autocast runs on a CUDA GPU only")
def test_bf16_training_on_gpu_tracks_fp32_and_the_model_loads(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    losses, dtypes = {}, []
    for bf16 in (False, True):
        trainer = Trainer(
            str(workspace["deterministic"]), corpus, LANGUAGES, options(steps=60, batch_size=16, bf16=bf16)
        )
        assert trainer.device.type == "cuda" and trainer.embed.autocast == bf16
        first_linear = next(m for m in trainer.model.modules() if isinstance(m, torch.nn.Linear))
        hook = first_linear.register_forward_hook(lambda _m, _i, out, bf16=bf16: dtypes.append((bf16, out.dtype)))
        losses[bf16] = [trainer.train_step(batch) for batch in trainer.batches]
        hook.remove()
    assert {dtype for bf16, dtype in dtypes if bf16} == {torch.bfloat16}
    assert {dtype for bf16, dtype in dtypes if not bf16} == {torch.float32}
    assert abs(losses[True][0] - losses[False][0]) < 0.05 * losses[False][0]
    assert sum(losses[True][-10:]) < sum(losses[True][:10])
    assert abs(sum(losses[True][-10:]) - sum(losses[False][-10:])) < 0.15 * sum(losses[False][-10:])
    output = workspace["folder"] / "bf16"
    Trainer(str(workspace["deterministic"]), corpus, LANGUAGES, options(steps=5, batch_size=16)).fit(
        output / "model", output / "checkpoint.pt"
    )
    assert SentenceTransformer(str(output / "model")).encode(["Query: When?"]).shape == (1, 32)
