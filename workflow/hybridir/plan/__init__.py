"""The experiment plan, built from a validated config (hybridir.config.validate_config), by job:

- `data.DataPlan`: the data stages' work: datasets, languages, translation shards, the corpus;
- `runs.RunPlan`: what runs: encoders, training runs with their options, benchmarks, evaluations;
- `report.ReportPlan`: what the report shows: its tables, figures and the summary's facts;
- `outputs.Outputs`: every file each stage makes (paths from hybridir.layout).

The workflow's rules ask the plan (workflow/rules/common.smk builds one of each) and unit tests
cover it without Snakemake. It imports nothing heavy: the Snakefile runs in Snakemake's own
environment. The words it plans with (strategies, settings, benchmark formats, runs and their
names) are hybridir.vocabulary's.
"""
