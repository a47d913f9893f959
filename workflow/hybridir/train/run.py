"""One training run from its job file (hybridir.train.options.TrainingJob), for `python -m` and
`torchrun -m hybridir.train.run`:

    torchrun --nproc_per_node 2 -m hybridir.train.run results/train/<encoder>/<run>/options.json
"""

import argparse
import logging
from dataclasses import asdict

import pandas as pd

from hybridir.devices import runtime_info
from hybridir.encoders import EncoderSpec
from hybridir.tables import read_table, write_table
from hybridir.train.mix import mix_lines, training_mix
from hybridir.train.options import TrainingJob
from hybridir.train.trainer import Trainer


def train(job: TrainingJob) -> None:
    """Train the run of `job` and write its model and training log (the log, with the run's
    settings in its metadata, by the first process, which also logs the training mix)."""
    corpus = pd.concat([read_table(path, "parallel") for path in job.corpus], ignore_index=True)
    trainer = Trainer(
        encoder=EncoderSpec.from_config(job.encoder, job.model, zero_shot=False),
        corpus=corpus,
        languages=job.languages,
        options=job.options,
        validation=read_table(job.validation, "validation") if job.validation else None,
        device=job.device,
    )
    log = trainer.fit(job.output, job.checkpoint, job.tensorboard)
    if trainer.rank == 0:
        runtime = runtime_info(trainer.device.type, "bfloat16" if trainer.embed.autocast else "float32")
        settings = asdict(job.options)
        write_table(
            log, job.training_log, "training_log", config=settings, seed=job.options.seed, runtime=runtime,
            settings=settings,
        )  # fmt: skip
        for line in mix_lines(training_mix(log)):
            logging.info(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", help="the run's options.json (hybridir.train.options.TrainingJob)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    train(TrainingJob.read(args.job))


if __name__ == "__main__":
    main()
