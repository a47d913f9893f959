"""Build the tiny NLLB-architecture model of the offline demo and teach it some translation."""

import logging

from hybridir.demo.data import demo_texts, demo_translation_pairs
from hybridir.demo.tiny import build_tiny_nllb, train_tiny_translator
from hybridir.logs import log_to

log_to(snakemake.log[0], snakemake.rule)
seed = snakemake.params.seed
model = build_tiny_nllb(demo_texts(seed), snakemake.output[0], seed=seed)
losses = train_tiny_translator(model, demo_translation_pairs(seed), snakemake.params.steps, seed=seed)
logging.info("trained %d steps: loss %.3f -> %.3f", len(losses), losses[0], losses[-1])
