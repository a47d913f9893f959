"""Every strategy of one encoder on one benchmark per group of languages (language_groups), and
paired comparisons of every two strategies per group (language_group_significance)."""

from hybridir.evaluate.groups import compare_groups, group_metrics, group_statistics
from hybridir.logs import log_to
from hybridir.resources import Language, language_groups
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
params, wildcards, output = snakemake.params, snakemake.wildcards, snakemake.output
per_query = {run: read_table(path, "per_query") for run, path in zip(params.runs, snakemake.input, strict=True)}
plan = params.groups
languages = [Language.from_record(record) for record in plan["languages"]]
groups = {run: language_groups(languages, plan["seen"][run], plan["family"]) for run in params.runs}
measures = [tuple(measure) for measure in plan["measures"]]
statistics = group_statistics(per_query, wildcards.encoder, groups, measures, params.resamples, params.seed)
settings = {"runs": params.runs, "resamples": params.resamples, "groups": plan}
table = group_metrics(statistics, wildcards.benchmark)
write_table(table, output.groups, "language_groups", config=settings, seed=params.seed)
table = compare_groups(statistics, wildcards.benchmark)
write_table(table, output.significance, "language_group_significance", config=settings, seed=params.seed)
