"""The report stage: the paper's tables and figures from the pipeline's Parquet tables.

- `runs`: evaluated runs (hybridir.plan.Run names), their order, labels and colours.
- `document`: a tiny document model (headings, paragraphs, tables) written as Markdown or HTML.
- `paper`: the paper's published numbers (workflow/report/paper_numbers.csv).
- `tables`: the report tables (long Parquet frames) and their Markdown/HTML renderings.
- `figures`: the matplotlib figures (PNG and PDF, deterministic bytes).
- `summary`: results/summary.md, a reader's overview of one pipeline run.

Every function takes data frames or paths and returns frames or writes files; nothing here
knows that it runs under Snakemake.
"""
