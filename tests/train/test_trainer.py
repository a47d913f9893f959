"""The trainer on a tiny encoder: resuming, checkpoints, schedules, dropout, prompts, the training log."""

import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from sentence_transformers import SentenceTransformer

from hybridir.demo.data import LANGUAGES
from hybridir.encoders import EncoderSpec, load_encoder
from hybridir.tables import read_table
from hybridir.train.mix import training_mix
from hybridir.train.samplers import Batch
from hybridir.train.trainer import Trainer, parameter_groups
from tests.support import REPO
from tests.support.training import TEXTS, labse_like, minilm, options, run_command, trainer, validation_table


def test_a_killed_run_resumes_to_the_same_weights(workspace: dict[str, Path]) -> None:
    opts = options(steps=20, checkpoint_steps=5)
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


def test_a_checkpoint_that_would_run_code_is_refused(workspace: dict[str, Path], tmp_path: Path) -> None:
    torch.save({"step": 1, "payload": Batch("x_x", "towns", "en", ())}, tmp_path / "checkpoint.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        trainer(workspace).fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    assert not (tmp_path / "model").exists()


def test_no_library_code_loads_pickles_unsafely() -> None:
    sources = [path.read_text() for path in (REPO / "workflow").rglob("*.py")]
    assert not [s for s in sources if "weights_only=False" in s]


def test_loss_falls_and_the_model_loads_with_sentence_transformers(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    opts = options(steps=60, batch_size=16, eval_steps=20, patience=5)
    model = EncoderSpec(str(workspace["dropout"]))
    run = Trainer(
        encoder=model,
        corpus=corpus,
        languages=LANGUAGES,
        options=opts,
        validation=validation_table(corpus),
        device="cpu",
    )
    output = workspace["folder"] / "falls"
    log = run.fit(output / "model", output / "checkpoint.pt", output / "tensorboard")
    assert log["loss"].tail(10).mean() < log["loss"].head(10).mean()
    assert log["val_loss"].dropna().iloc[-1] < log["val_loss"].dropna().iloc[0]
    model = SentenceTransformer(str(output / "model"))
    assert model.encode(["Query: When was it founded?"]).shape == (1, 32)
    assert model.prompts["query"] == "Query: " and model.prompts["passage"] == "Passage: "
    assert list((output / "tensorboard").glob("events.out.tfevents.*"))


@pytest.mark.parametrize("kind", ["plain-mean", "plain-cls", "labse-like", "all-MiniLM-L6-v2"])
def test_an_untrained_model_embeds_like_the_zero_shot_encoder(
    workspace: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    plain = str(workspace["deterministic"])
    spec = {
        "plain-mean": EncoderSpec(plain),
        "plain-cls": EncoderSpec(plain, pooling="cls"),
        "labse-like": EncoderSpec(str(labse_like(workspace["deterministic"], tmp_path / "labse"))),
        "all-MiniLM-L6-v2": EncoderSpec(minilm()),
    }[kind]
    corpus = read_table(workspace["corpus"], "parallel")
    untrained = Trainer(encoder=spec, corpus=corpus, languages=LANGUAGES, options=options(steps=0), device="cpu")
    untrained.fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    zero_shot, trained = load_encoder(spec, "cpu"), load_encoder(EncoderSpec(str(tmp_path / "model")), "cpu")
    assert [type(m) for m in trained] == [type(m) for m in zero_shot]
    assert trained.max_seq_length == zero_shot.max_seq_length
    np.testing.assert_allclose(trained.encode(TEXTS), zero_shot.encode(TEXTS), atol=1e-6)


def test_a_trained_sentence_transformers_model_keeps_its_modules(workspace: dict[str, Path], tmp_path: Path) -> None:
    spec = EncoderSpec(str(labse_like(workspace["deterministic"], tmp_path / "labse")))
    corpus = read_table(workspace["corpus"], "parallel")
    trainer = Trainer(encoder=spec, corpus=corpus, languages=LANGUAGES, options=options(steps=3), device="cpu")
    trainer.fit(tmp_path / "model", tmp_path / "ckpt.pt")
    trained = load_encoder(EncoderSpec(str(tmp_path / "model")), "cpu")
    assert [type(m).__name__ for m in trained] == ["Transformer", "Pooling", "Dense", "Normalize"]
    assert trained[1].pooling_mode == "cls"
    assert not np.allclose(trained.encode(TEXTS), load_encoder(spec, "cpu").encode(TEXTS), atol=1e-4)


@pytest.mark.parametrize(
    ("schedule", "factors"),
    [
        ("constant", [0.5, 1.0, 1.0, 1.0]),
        ("linear", [0.5, 1.0, 0.5, 0.0]),
        ("cosine", [0.5, 1.0, 0.5, 0.0]),
    ],
)
def test_learning_rate_schedules_with_warmup(workspace: dict[str, Path], schedule: str, factors: list) -> None:
    run = trainer(workspace, steps=4, warmup_ratio=0.5, lr_schedule=schedule, learning_rate=1e-3)
    lrs = []
    for batch in run.batches:
        run.train_step(run.texts(batch))
        lrs.append(run.scheduler.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [1e-3 * f for f in factors], atol=1e-12)


def test_cosine_differs_from_linear_between_its_ends(workspace: dict[str, Path]) -> None:
    # 10 steps, no warm-up: after step 3, linear is 1 - 3/10 = 0.7 and cosine (1 + cos(0.3 pi)) / 2
    for schedule, factor in {"linear": 0.7, "cosine": (1 + np.cos(0.3 * np.pi)) / 2}.items():
        run = trainer(workspace, steps=10, warmup_ratio=0.0, lr_schedule=schedule, learning_rate=1.0)
        for batch in run.batches[:3]:
            run.train_step(run.texts(batch))
        assert run.scheduler.get_last_lr()[0] == pytest.approx(factor)


def test_dropout_setting_turns_dropout_off(workspace: dict[str, Path]) -> None:
    def two_passes(run: Trainer) -> tuple[torch.Tensor, torch.Tensor]:
        run.model.train()
        with torch.no_grad():
            return run.embed(TEXTS, 32), run.embed(TEXTS, 32)

    first, second = two_passes(trainer(workspace, "dropout", dropout=0.0))
    assert torch.equal(first, second)
    first, second = two_passes(trainer(workspace, "dropout"))
    assert not torch.allclose(first, second)


def test_prefixes_are_used_in_training_and_saved_as_prompts(workspace: dict[str, Path], tmp_path: Path) -> None:
    run = trainer(workspace, steps=1, query_prefix="q: ", passage_prefix="")
    texts = run.texts(run.batches[0])
    assert all(q.startswith("q: ") for q in texts.queries)
    assert texts.passages[0] in set(read_table(workspace["corpus"], "parallel")["passage"])
    run.fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    assert SentenceTransformer(str(tmp_path / "model")).prompts.items() >= {"query": "q: ", "passage": ""}.items()


def test_the_training_log_counts_hard_negatives_and_languages(workspace: dict[str, Path], tmp_path: Path) -> None:
    """Each pair's first negative equals its positive (dropped), its second is kept; the log's
    per-step counts give the run's training mix."""
    corpus = read_table(workspace["corpus"], "parallel")
    corpus["negative_passages"] = [[p, "A town with no facts."] for p in corpus["passage"]]
    opts = options(steps=3, hard_negatives=2)
    run = Trainer(
        encoder=EncoderSpec(str(workspace["deterministic"])),
        corpus=corpus,
        languages=LANGUAGES,
        options=opts,
        device="cpu",
    )
    log = run.fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    assert log["dropped_negatives"].tolist() == log["pairs"].tolist() == log["negatives"].tolist()
    assert (log["lang_texts"].map(sum) == 2 * log["pairs"]).all()
    x_x = log[log["kind"] == "x_x"]
    assert (x_x["langs"].map(list) == x_x["lang"].map(lambda lang: [lang])).all()
    mix = training_mix(log).set_index(["axis", "value"])
    assert mix.loc[("all", "all"), "negatives_per_pair"] == 1.0
    for axis in ("dataset", "language"):
        assert mix.loc[axis, "batch_share"].sum() == pytest.approx(1.0)
        assert mix.loc[axis, "pair_share"].sum() == pytest.approx(1.0)


def test_biases_and_norm_weights_are_left_out_of_weight_decay() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3), torch.nn.Linear(3, 2, bias=False))
    decayed, undecayed = parameter_groups(model, 0.01, decay_exclude=True)
    assert [p.shape for p in decayed["params"]] == [(3, 4), (2, 3)] and decayed["weight_decay"] == 0.01
    assert [p.shape for p in undecayed["params"]] == [(3,), (3,), (3,)] and undecayed["weight_decay"] == 0.0
    (every,) = parameter_groups(model, 0.01, decay_exclude=False)
    assert len(every["params"]) == 5 and every["weight_decay"] == 0.01


@pytest.mark.parametrize("max_grad_norm", [1e-3, None])
def test_gradients_are_clipped_before_the_optimizer_step(workspace: dict[str, Path], max_grad_norm) -> None:
    run = trainer(workspace, steps=1, max_grad_norm=max_grad_norm)
    norms = []

    def measure(*_args) -> None:
        grads = [p.grad for p in run.model.parameters() if p.grad is not None]
        norms.append(float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))))

    run.optimizer.register_step_pre_hook(measure)
    run.train_step(run.texts(run.batches[0]))
    assert (norms[0] <= 1.001e-3) == (max_grad_norm is not None)


def test_every_strategy_is_validated_on_the_same_batches(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    validation = validation_table(corpus)
    spec = EncoderSpec(str(workspace["deterministic"]))
    losses = {
        strategy: Trainer(
            encoder=spec,
            corpus=corpus,
            languages=LANGUAGES,
            options=options(strategy=strategy),
            validation=validation,
            device="cpu",
        ).validate()
        for strategy in ("x_x", "x_y", "hybrid")
    }
    assert len(set(losses.values())) == 1, losses


@pytest.mark.skipif(not torch.cuda.is_available(), reason="bf16 autocast runs on a CUDA GPU only")
def test_bf16_training_on_gpu_tracks_fp32_and_the_model_loads(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    spec = EncoderSpec(str(workspace["deterministic"]))
    losses, dtypes = {}, []
    for bf16 in (False, True):
        run = Trainer(
            encoder=spec,
            corpus=corpus,
            languages=LANGUAGES,
            options=options(steps=60, batch_size=16, bf16=bf16),
            device="cuda",
        )
        assert run.device.type == "cuda" and run.embed.autocast == bf16
        first_linear = next(m for m in run.model.modules() if isinstance(m, torch.nn.Linear))
        hook = first_linear.register_forward_hook(lambda _m, _i, out, bf16=bf16: dtypes.append((bf16, out.dtype)))
        losses[bf16] = [run.train_step(run.texts(batch)) for batch in run.batches]
        hook.remove()
    assert {dtype for bf16, dtype in dtypes if bf16} == {torch.bfloat16}
    assert {dtype for bf16, dtype in dtypes if not bf16} == {torch.float32}
    assert abs(losses[True][0] - losses[False][0]) < 0.05 * losses[False][0]
    assert sum(losses[True][-10:]) < sum(losses[True][:10])
    assert abs(sum(losses[True][-10:]) - sum(losses[False][-10:])) < 0.15 * sum(losses[False][-10:])
    output = workspace["folder"] / "bf16"
    Trainer(
        encoder=spec, corpus=corpus, languages=LANGUAGES, options=options(steps=5, batch_size=16), device="cuda"
    ).fit(output / "model", output / "checkpoint.pt")
    assert SentenceTransformer(str(output / "model")).encode(["Query: When?"]).shape == (1, 32)
