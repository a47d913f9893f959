"""Command line of one training run, for `python -m` and `torchrun -m hybridir.train.run`.

    torchrun --nproc_per_node 2 -m hybridir.train.run --model M --corpus a.parquet b.parquet \\
        --languages en de --options options.json --output model/ --checkpoint ckpt.pt --training-log log.parquet
"""

import argparse
import json
import logging

import pandas as pd

from hybridir.devices import DEVICES, runtime_info
from hybridir.encoders import POOLINGS, EncoderSpec
from hybridir.tables import read_table, write_table
from hybridir.train.options import TrainingOptions
from hybridir.train.trainer import Trainer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Hub id or local directory of the encoder")
    parser.add_argument("--pooling", choices=POOLINGS, default="mean", help="pooling of a plain transformers model")
    parser.add_argument("--trust-remote-code", action="store_true", help="let the model's own code run")
    parser.add_argument("--corpus", nargs="+", required=True, help="parallel tables of the corpus stage")
    parser.add_argument("--languages", nargs="+", required=True, help="training languages")
    parser.add_argument("--options", required=True, help="JSON file of TrainingOptions fields")
    parser.add_argument("--validation", default=None, help="validation table (train stage) for early stopping")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="config training.device")
    parser.add_argument("--output", required=True, help="model directory to write")
    parser.add_argument("--checkpoint", required=True, help="checkpoint file to resume from and write")
    parser.add_argument("--training-log", required=True, help="training log (Parquet) to write")
    parser.add_argument("--tensorboard", default=None, help="TensorBoard log directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with open(args.options) as handle:
        settings = json.load(handle)
    options = TrainingOptions.from_config(settings)
    encoder = EncoderSpec(args.model, args.pooling, args.trust_remote_code)
    corpus = pd.concat([read_table(path, "parallel") for path in args.corpus], ignore_index=True)
    validation = read_table(args.validation, "validation") if args.validation else None
    trainer = Trainer(encoder, corpus, args.languages, options, validation, args.device)
    log = trainer.fit(args.output, args.checkpoint, args.tensorboard)
    if trainer.rank == 0:
        runtime = runtime_info(trainer.device.type, "bfloat16" if trainer.embed.autocast else "float32")
        write_table(log, args.training_log, "training_log", config=settings, seed=options.seed, runtime=runtime)


if __name__ == "__main__":
    main()
