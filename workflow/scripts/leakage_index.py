"""Hash the evaluation texts of every benchmark once: the leakage audit's index (table leakage_index)."""

import pandas as pd

from hybridir.leakage import LeakageSettings, evaluation_texts, index_table
from hybridir.logs import log_to
from hybridir.tables import read_table, write_table

log_to(snakemake.log[0], snakemake.rule)
params, inputs = snakemake.params, snakemake.input
settings = LeakageSettings.from_config(params.leakage, params.seed)
texts = pd.concat(
    [
        evaluation_texts(
            benchmark, read_table(queries, "queries"), read_table(candidates, "candidates"), read_table(qrels, "qrels")
        )
        for benchmark, queries, candidates, qrels in zip(
            params.benchmarks, inputs.queries, inputs.candidates, inputs.qrels, strict=True
        )
    ],
    ignore_index=True,
)
write_table(index_table(texts, settings), snakemake.output[0], "leakage_index", config=params.leakage, seed=params.seed)
