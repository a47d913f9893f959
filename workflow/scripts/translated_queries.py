"""A benchmark's queries with their machine translations: what its encode and rank jobs read."""

from hybridir.logs import log_to
from hybridir.tables import read_table, write_table
from hybridir.translate.queries import with_translations

log_to(snakemake.log[0], snakemake.rule)
params = snakemake.params
translations = {
    lang: read_table(path, "translations")
    for lang, path in zip(params.languages, snakemake.input.translations, strict=True)
}
queries = with_translations(read_table(snakemake.input.queries, "queries"), translations, snakemake.wildcards.benchmark)
write_table(queries, snakemake.output[0], "queries", config=params.languages, seed=params.seed)
