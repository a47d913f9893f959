"""The report stage: the paper's tables and figures from the pipeline's Parquet tables.

Three layers, each reading only the ones before it:
- `data`: reading and shaping, the report tables as long frames (`retrieval`: the retrieval tables
  from the evaluate stage's strategy_metrics and significance; `comparisons`: verdicts against
  x_x and x_y, Holm-corrected over each table; `pipeline`: MT quality, translation flags, corpus
  ledger; `leakage`: training pairs found in the benchmarks; `paper`: the paper's published
  numbers; `runs`: which strategies a table shows, in which order). Every statistic is the
  evaluate stage's (hybridir.evaluate); the report never resamples.
- `format`: how numbers, means over seeds with spread and interval, the paper's values, metric
  names, evaluation settings and strategies (hybridir.vocabulary.Run) are written.
- `pages` (Markdown / HTML documents: `document`, `retrieval`, `languages`, `pipeline`, `leakage`,
  `summary` with `summary_results` and `summary_pipeline`) and `figures` (matplotlib: `base`, `heatmaps`,
  `results`, `curves`): rendering.

Every function takes data frames or paths and returns frames or writes files; nothing here
knows that it runs under Snakemake.
"""
