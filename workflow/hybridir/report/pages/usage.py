"""The usage page: time and memory per heavy stage, and the longest jobs."""

import pandas as pd

from hybridir.report.data.usage import stage_totals
from hybridir.report.format import number
from hybridir.report.pages.document import Block, Heading, Paragraph, Table

LONGEST = 10


def usage_page(table: pd.DataFrame) -> list[Block]:
    """Per stage totals, then the LONGEST jobs, as Snakemake measured them on this run's machines."""
    blocks: list[Block] = [
        Heading("Time and memory of the heavy jobs", 1),
        Paragraph(
            "Wall time, CPU time and peak resident memory of every translation shard, training run, encode "
            "and rank job, as Snakemake's `benchmark:` measured them (results/usage/, one TSV per job; a rerun "
            "job's last attempt). Use them to size a cluster profile's runtime and mem_mb."
        ),
    ]
    if table.empty:
        return [*blocks, Paragraph("No heavy job ran in this configuration.")]
    totals = stage_totals(table)
    rows = [
        [
            t.stage,
            str(t.jobs),
            number(t.hours, 3),
            number(t.longest_hours, 3),
            number(t.cpu_hours, 3),
            number(t.max_rss_mb, 0),
        ]
        for t in totals.itertuples(index=False)
    ]
    header = ["stage", "jobs", "wall hours", "longest job (h)", "CPU hours", "peak memory (MB)"]
    longest = table.sort_values(["seconds", "job"], ascending=[False, True]).head(LONGEST)
    slow = [[j.job, number(j.seconds, 1), number(j.max_rss_mb, 0)] for j in longest.itertuples(index=False)]
    return [
        *blocks,
        Table(header, rows, [False, True, True, True, True, True]),
        Heading(f"The {len(slow)} longest jobs", 2),
        Table(["job", "seconds", "peak memory (MB)"], slow, [False, True, True]),
    ]
