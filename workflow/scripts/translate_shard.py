"""Translate one shard of one dataset's texts into one language."""

import logging

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.engine import DecodingOptions, NllbTranslator
from hybridir.translate.texts import select_shard
from hybridir.translate.translation import translate_texts

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
texts = select_shard(read_table(snakemake.input.texts, "texts"), int(snakemake.wildcards.shard), params.shards)
translator = NllbTranslator.from_config(
    snakemake.input.model, params.translation, params.device, snakemake.threads, getattr(snakemake.resources, "gpu", 0)
)
options = DecodingOptions.from_config(params.translation)
table = translate_texts(texts, translator, params.source, snakemake.wildcards.lang, options)
logging.info(
    "%d texts on %s (%s): %.1f sentences/s",
    len(texts),
    translator.device,
    translator.compute_type,
    translator.sentences_per_second,
)
write_table(
    table, snakemake.output[0], "translations", config=params.translation, seed=params.seed, runtime=translator.runtime
)
