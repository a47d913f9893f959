"""Parquet tables: schema checks on write and read, atomic writes, provenance, same bytes."""

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from hybridir.errors import DataError
from hybridir.tables import (
    ROW_GROUP_ROWS,
    read_provenance,
    read_table,
    read_table_chunks,
    write_table,
    write_table_chunks,
)


def qrels(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["question_id", "candidate_id", "relevance"])


def parallel_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_id": ["d/1", "d/1"],
            "dataset": ["d", "d"],
            "lang": ["en", "de"],
            "question": ["Who?", "Wer?"],
            "passage": ["Ann.", "Anna."],
            "negative_passages": [[], ["Bob."]],
        }
    )


def test_round_trip_keeps_values_and_provenance(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    write_table(parallel_rows(), path, "parallel", config={"name": "d"}, seed=3)
    back = read_table(path, "parallel")
    assert back["question"].tolist() == ["Who?", "Wer?"]
    assert [list(x) for x in back["negative_passages"]] == [[], ["Bob."]]
    meta = read_provenance(path)
    assert meta["table"] == "parallel" and meta["seed"] == 3 and len(meta["config_sha256"]) == 64


def test_same_input_gives_same_bytes(tmp_path: Path) -> None:
    write_table(parallel_rows(), tmp_path / "a.parquet", "parallel", config={"x": 1}, seed=1)
    write_table(parallel_rows(), tmp_path / "b.parquet", "parallel", config={"x": 1}, seed=1)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (qrels([("q", "c", 1)]).drop(columns="relevance"), "missing \\['relevance'\\]"),
        (qrels([("q", "c", 1)]).assign(extra=1), "unexpected \\['extra'\\]"),
        (qrels([("q", "c", 1), ("q", "c", 0)]), "row 1: duplicate primary key"),
        (qrels([("q", None, 1)]), "row 0: column 'candidate_id' is null"),
        (qrels([("q", "c", "high")]), "values do not fit table 'qrels'"),
    ],
)
def test_write_rejects_frames_that_break_the_schema(tmp_path: Path, frame: pd.DataFrame, message: str) -> None:
    path = tmp_path / "qrels.parquet"
    with pytest.raises(DataError, match=message):
        write_table(frame, path, "qrels")
    assert list(tmp_path.iterdir()) == []


def test_read_names_the_file_of_a_corrupted_table(tmp_path: Path) -> None:
    path = tmp_path / "qrels.parquet"
    write_table(qrels([("q", "c", 1)]), path, "qrels")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(DataError, match=f"{path}: not a readable Parquet file"):
        read_table(path, "qrels")


def test_read_names_the_file_and_column_of_a_wrong_table(tmp_path: Path) -> None:
    path = tmp_path / "q.parquet"
    write_table(qrels([("q", "c", 1)]), path, "qrels")
    with pytest.raises(DataError, match=f"{path}: columns do not match table 'queries'"):
        read_table(path, "queries")
    pd.DataFrame({"question_id": ["q"], "candidate_id": ["c"], "relevance": ["1"]}).to_parquet(path)
    with pytest.raises(DataError, match="column 'relevance' has type large_string, table 'qrels' expects int64"):
        read_table(path, "qrels")


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "qrels.parquet"
    write_table(qrels([("q", "c", 1)]), path, "qrels")
    before = path.read_bytes()
    with pytest.raises(DataError):
        write_table(qrels([("q", "c", 1), ("q", "c", 1)]), path, "qrels")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qrels.parquet"]


def test_atomic_write_leaves_nothing_under_the_final_name_when_the_disk_is_full(tmp_path) -> None:
    import errno

    from hybridir.atomic import atomic_write

    target = tmp_path / "out" / "table.parquet"
    with pytest.raises(DataError, match="no space left on device"), atomic_write(target) as tmp:
        tmp.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_atomic_write_of_a_folder_replaces_the_old_one_only_when_complete(tmp_path) -> None:
    from hybridir.atomic import atomic_write

    target = tmp_path / "model"
    target.mkdir()
    (target / "old.bin").write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target, directory=True) as tmp:
        (tmp / "new.bin").write_text("new")
        raise RuntimeError("killed")
    assert sorted(p.name for p in target.iterdir()) == ["old.bin"]
    with atomic_write(target, directory=True) as tmp:
        (tmp / "new.bin").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert sorted(p.name for p in target.iterdir()) == ["new.bin"]


def test_a_table_written_and_read_in_chunks_equals_the_whole(tmp_path: Path) -> None:
    rows = qrels([(f"q{i}", f"c{i}", i % 3) for i in range(10)])
    path = tmp_path / "qrels.parquet"
    assert write_table_chunks([rows[:4], rows[4:4], rows[4:]], path, "qrels", config={"x": 1}, seed=2) == 10
    pd.testing.assert_frame_equal(read_table(path, "qrels"), rows, check_dtype=False)
    assert read_provenance(path)["seed"] == 2
    chunks = list(read_table_chunks(path, "qrels", ["candidate_id", "relevance"], 3))
    assert [len(chunk) for chunk in chunks] == [3, 3, 3, 1]
    pd.testing.assert_frame_equal(
        pd.concat(chunks, ignore_index=True), rows[["candidate_id", "relevance"]], check_dtype=False
    )


def test_a_chunked_write_checks_each_chunk_and_leaves_nothing_on_error(tmp_path: Path) -> None:
    path = tmp_path / "qrels.parquet"
    with pytest.raises(DataError, match=r"qrels.parquet \(rows 1 on\): row 0: column 'candidate_id' is null"):
        write_table_chunks([qrels([("q", "c", 1)]), qrels([("q", None, 1)])], path, "qrels")
    assert list(tmp_path.iterdir()) == []
    write_table(qrels([("q", "c", 1)]), path, "qrels")
    with pytest.raises(DataError, match="table 'qrels' has no columns \\['text'\\]"):
        next(read_table_chunks(path, "qrels", ["text"], 10))


def test_read_table_chunks_streams_the_table_in_frames_of_at_most_rows_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    frame = pd.concat([parallel_rows().assign(pair_id=f"d/{i}") for i in range(5)], ignore_index=True)
    write_table(frame, path, "parallel")
    batches = list(read_table_chunks(path, "parallel", None, 4))
    assert [len(b) for b in batches] == [4, 4, 2]
    together = pd.concat(batches, ignore_index=True)
    columns = ["pair_id", "lang", "question"]
    assert together[columns].equals(read_table(path, "parallel")[columns])
    assert [list(x) for x in together["negative_passages"]] == [[], ["Bob."]] * 5


def test_read_table_chunks_checks_the_schema_before_the_first_batch(tmp_path: Path) -> None:
    path = tmp_path / "q.parquet"
    write_table(qrels([("q", "c", 1)]), path, "qrels")
    with pytest.raises(DataError, match="columns do not match table 'parallel'"):
        next(read_table_chunks(path, "parallel", None, 10))


def test_a_large_table_is_written_in_row_groups_that_a_stream_reads_one_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "q.parquet"
    rows = ROW_GROUP_ROWS + 1
    write_table(qrels([(f"q{i}", "c", 1) for i in range(rows)]), path, "qrels")
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    assert sum(len(b) for b in read_table_chunks(path, "qrels", None, ROW_GROUP_ROWS)) == rows
