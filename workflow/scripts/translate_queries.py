"""Translate one benchmark's query texts into one language (the engine of the translate stage)."""

import logging

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.engine import DecodingOptions, NllbTranslator
from hybridir.translate.translation import translate_texts

log_to(snakemake.log[0], snakemake.rule)
params, lang = snakemake.params, snakemake.wildcards.lang
gpus = getattr(snakemake.resources, "gpu", 0)
engine = NllbTranslator.from_config(snakemake.input.model, params.translation, params.device, snakemake.threads, gpus)
texts = read_table(snakemake.input.texts, "texts")
table = translate_texts(texts, engine, params.source, lang, DecodingOptions.from_config(params.translation))
logging.info("%d query texts into %s on %s (%s)", len(texts), lang, engine.device, engine.compute_type)
runtime = engine.runtime
write_table(table, snakemake.output[0], "translations", config=params.translation, seed=params.seed, runtime=runtime)
