"""English (source-language) QA datasets: one row per question-passage pair, table `qa`, and the
fetch ledger: every source row read, kept (reason duplicate_id when its id was renamed) or
filtered (reason where: it fails the entry's `where` filter). A source is rows read by `fields`
(format rows), or a BEIR dataset's split (format beir, hybridir.fetch.beir: a row per relevant
judgement)."""

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.beir import beir_pairs
from hybridir.fetch.values import TextFields
from hybridir.sources import field, matches, stream_rows
from hybridir.text import text_id

LEDGER_COLUMNS = ["pair_id", "dataset", "lang", "source_row", "status", "reason"]
# the fields of the rows that hybridir.fetch.beir.beir_pairs yields
BEIR_FIELDS = {"id": "id", "question": "question", "passage": "passage"}


class Counted:
    """An iterable that counts the items taken from it."""

    def __init__(self, items: Iterable[Any]):
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            self.count += 1
            yield item


def unique_ids(ids: list[str]) -> list[str]:
    """Make repeated ids unique by suffixing '~2', '~3', ... in order of appearance."""
    seen: Counter[str] = Counter()
    out = []
    for pair_id in ids:
        seen[pair_id] += 1
        out.append(pair_id if seen[pair_id] == 1 else f"{pair_id}~{seen[pair_id]}")
    return out


def row_pairs(
    rows: Iterable[dict[str, Any]], source: str, spec: Mapping[str, Any], key: str
) -> Iterator[dict[str, Any]]:
    """The pair in each row that matches `spec["where"]`, read by the field paths of
    `spec["fields"]` as texts (hybridir.fetch.values); `key` names the config entry in errors.
    Without an id field, the row number is the id; `source_row` is the row number."""
    fields = spec["fields"]
    texts = TextFields(key, spec.get("convert_values", False))
    for number, row in enumerate(rows):
        if not matches(row, spec["where"]):
            continue
        where = f"{source}: row {number}"

        def get(role: str, row=row, where=where) -> Any:
            path = fields.get(role)
            return field(row, path, where, f"{key}.fields.{role}") if path else None

        yield {
            "source_row": number,
            "source_id": str(get("id")) if fields.get("id") else str(number),
            "question": texts.text(get("question"), where, "question") or "",
            "passage": texts.text(get("passage"), where, "passage") or "",
            "answer": texts.first_text(get("answer"), where, "answer"),
            "negative_passages": texts.texts(get("negatives"), where, "negatives"),
        }
    texts.log()


def warn_repeated_ids(ids: list[str], spec: Mapping[str, Any]) -> None:
    """Log rows whose `fields.id` repeats an earlier row's: their ids get suffixes, and the field
    may name a paragraph rather than a question (SQuADShifts' `id` does)."""
    repeated = len(ids) - len(set(ids))
    if spec["fields"].get("id") and repeated:
        logging.warning(
            "%s: %d of %d rows repeat an earlier row's %r; they get ids with ~2, ~3, ... suffixes. If that "
            "field names a paragraph rather than a question, remove fields.id to number the rows instead.",
            spec["name"],
            repeated,
            len(ids),
            spec["fields"]["id"],
        )


def reading_entry(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    """A `datasets[]` entry with the fields its rows are read by (a beir entry's: BEIR_FIELDS)."""
    return {**spec, "fields": BEIR_FIELDS} if spec.get("format") == "beir" else spec


def source_rows(spec: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """The rows of a QA source: a beir entry's relevant judgements, or the rows of its file or Hub dataset."""
    if spec.get("format") == "beir":
        return beir_pairs(spec)
    return stream_rows(spec["source"], spec["subset"], spec["split"], spec["limit"])


def read_pairs(spec: Mapping[str, Any], key: str) -> tuple[list[dict[str, Any]], int]:
    """The pairs of a QA source that pass its `where` filter, and how many rows were read; a
    source without rows, or without a row that passes, is an error naming it."""
    rows = Counted(source_rows(spec))
    pairs = list(row_pairs(tqdm(rows, desc=f"fetch {spec['name']}", unit=" rows"), spec["source"], spec, key))
    if not rows.count:
        raise DataError(f"{spec['source']}: no rows (config key {key}.source)")
    if not pairs:
        raise DataError(
            f"{key}: none of the {rows.count} rows read from {spec['source']} passes where {spec['where']}; "
            "an empty dataset cannot be trained on"
        )
    return pairs, rows.count


def fetch_ledger(frame: pd.DataFrame, ids: list[str], read: int, spec: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """The fetch ledger: the `qa` rows of `frame` (kept; duplicate_id when their id was renamed
    from `ids`), and the rows not read into it (filtered by where)."""
    kept = pd.DataFrame(
        {
            "pair_id": frame["qa_id"],
            "source_row": frame["source_row"],
            "status": "kept",
            "reason": [None if qa_id == i else "duplicate_id" for qa_id, i in zip(frame["qa_id"], ids, strict=True)],
        }
    )
    dropped = sorted(set(range(read)) - set(frame["source_row"]))
    filtered = pd.DataFrame(
        {
            "pair_id": [f"{spec['name']}/row-{row}" for row in dropped],
            "source_row": dropped,
            "status": "filtered",
            "reason": "where",
        }
    )
    ledger = pd.concat([kept, filtered], ignore_index=True).sort_values("source_row", ignore_index=True)
    ledger["dataset"] = spec["name"]
    ledger["lang"] = lang
    return ledger[LEDGER_COLUMNS]


def fetch_qa(spec: Mapping[str, Any], lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one QA dataset described by a `datasets[]` config entry into a `qa` table, with its
    fetch ledger (see the module docstring)."""
    spec = reading_entry(spec)
    pairs, read = read_pairs(spec, f"datasets[{spec['name']}]")
    columns = ["source_row", "source_id", "question", "passage", "answer", "negative_passages"]
    frame = pd.DataFrame(pairs, columns=columns)
    ids = [f"{spec['name']}/{i}" for i in frame.pop("source_id")]
    warn_repeated_ids(ids, spec)
    frame.insert(0, "qa_id", unique_ids(ids))
    ledger = fetch_ledger(frame, ids, read, spec, lang)
    frame = frame.drop(columns="source_row")
    frame["dataset"] = spec["name"]
    frame["lang"] = lang
    frame["question_id"] = frame["question"].map(text_id)
    frame["passage_id"] = frame["passage"].map(text_id)
    frame["negative_passage_ids"] = frame["negative_passages"].map(lambda ps: [text_id(p) for p in ps])
    return frame, ledger
