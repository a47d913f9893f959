"""MT quality into one language: translate the benchmark's source side, score against its references."""

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.engine import DecodingOptions, NllbTranslator
from hybridir.translate.quality import mt_quality

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
queries = read_table(snakemake.input.queries, "queries")
candidates = read_table(snakemake.input.candidates, "candidates")
translator = NllbTranslator.from_config(
    snakemake.input.model, params.translation, params.device, snakemake.threads, getattr(snakemake.resources, "gpu", 0)
)
options = DecodingOptions.from_config(params.translation)
table = mt_quality(queries, candidates, translator, params.source, snakemake.wildcards.lang, options)
write_table(
    table, snakemake.output[0], "mt_quality", config=params.translation, seed=params.seed, runtime=translator.runtime
)
