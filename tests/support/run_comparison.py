"""Comparing the results of two runs of the pipeline, or of a run and a part of it (DEMO_PART):
Parquet tables (content and file metadata, measured columns left out) and model weights.

Measured columns are measured on the clock or by the OS, not computed from the data: they differ
between two runs of the same pipeline. Table -> columns.
"""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from safetensors.numpy import load_file

from hybridir.report.data.usage import MEASURES

MEASURED_COLUMNS = {"training_log": ["seconds"], "report_usage": list(MEASURES.values())}
PROVENANCE = b"hybridir"
# A part of the demo: targets for `snakemake --profile profiles/demo`. One trained model, its
# evaluation on one benchmark, and the translation, corpus and leakage report tables: 46 of the
# demo's 229 jobs, running 23 of its 40 rules (fetch, translate, corpus, leakage, train, encode,
# rank, score, and the GPU rules among them). The rules it leaves out (significance, gather_*, most
# report_* rules) take the results of every training run, which only the whole demo makes.
DEMO_PART = (
    "results/train/tiny/x_x-s7/model",
    "results/evaluate/tiny/x_x-s7/demo_lareqa/metrics.parquet",
    "results/report/tables/mt_quality.parquet",
    "results/report/tables/corpus_ledger.parquet",
    "results/report/tables/leakage.parquet",
)


def table_name(parquet: pq.ParquetFile) -> str | None:
    """The hybridir table a Parquet file holds (None for a file that write_table did not write)."""
    meta = parquet.schema_arrow.metadata or {}
    return json.loads(meta[PROVENANCE])["table"] if PROVENANCE in meta else None


def comparable_table(path: Path) -> tuple[pa.Table, dict]:
    """A Parquet file's table without wall-time columns, and its file metadata: the schema's
    key-value metadata, row groups and the writer."""
    parquet = pq.ParquetFile(path)
    data = parquet.read()
    dropped = [c for c in MEASURED_COLUMNS.get(table_name(parquet), []) if c in data.column_names]
    meta = {
        "key_value": dict(data.schema.metadata or {}),
        "row_groups": [parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups)],
        "created_by": parquet.metadata.created_by,
        "format_version": parquet.metadata.format_version,
    }
    return data.drop_columns(dropped).replace_schema_metadata(None), meta


def relative_files(root: Path, pattern: str) -> list[Path]:
    return sorted(path.relative_to(root) for path in root.rglob(pattern) if "/." not in str(path))


def differences(first: Path, second: Path, part: bool = False) -> list[str]:
    """What differs between the Parquet tables and model weights of two results folders. With
    part=True the second run made part of the first (a target list): its files are compared with
    the same files of the first, and the first's other files are not differences."""
    found = []
    for pattern in ("*.parquet", "*.safetensors"):
        names, written = relative_files(first, pattern), relative_files(second, pattern)
        if part:
            missing = sorted(set(written) - set(names))
            found += [f"{name}: not written by the first run" for name in missing]
            names = [name for name in written if name not in missing]
        elif names != written:
            found.append(f"{pattern}: the two runs wrote different files")
        for name in names:
            if not (second / name).is_file():
                continue
            if pattern == "*.safetensors":
                one, two = load_file(first / name), load_file(second / name)
                equal = one.keys() == two.keys() and all((one[k] == two[k]).all() for k in one)
                found += [] if equal else [f"{name}: weights differ"]
                continue
            (one, meta_one), (two, meta_two) = comparable_table(first / name), comparable_table(second / name)
            found += [] if one.equals(two) else [f"{name}: content differs"]
            found += [] if meta_one == meta_two else [f"{name}: file metadata differs"]
    return found
