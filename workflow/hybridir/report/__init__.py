"""The report stage: the paper's tables and figures from the pipeline's Parquet tables.

Three layers, each reading only the one below:
- `data`: reading and shaping, the report tables as long frames (`retrieval`: Tables 1-4 from
  the evaluate stage's tables; `pipeline`: MT quality, translation flags, corpus ledger;
  `paper`: the paper's published numbers; `runs`: which runs a table shows, in which order).
  Every statistic is the evaluate stage's (hybridir.evaluate); the report never resamples.
- `format`: how numbers, intervals, metric names and runs (hybridir.plan.Run) are written.
- `pages` (Markdown / HTML documents: `document`, `retrieval`, `pipeline`, `summary`) and
  `figures` (matplotlib: `base`, `heatmaps`, `results`, `curves`): rendering.

Every function takes data frames or paths and returns frames or writes files; nothing here
knows that it runs under Snakemake.
"""
