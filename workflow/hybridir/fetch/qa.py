"""English (source-language) QA datasets: one row per question-passage pair, table `qa`."""

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.sources import field, matches, stream_rows
from hybridir.text import clean_text, text_id


def as_text(value: Any) -> str | None:
    """A cleaned string from a field value; lists give their first item, None stays None."""
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else clean_text(str(value))


def as_texts(value: Any) -> list[str]:
    """Cleaned, non-empty strings from a field that holds one text or a list of them."""
    values = value if isinstance(value, list) else [value]
    texts = [clean_text(str(v)) for v in values if v is not None]
    return [t for t in texts if t]


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
    `spec["fields"]`; `key` names the config entry in errors. Without an id field, the row
    number is the id."""
    fields = spec["fields"]
    for number, row in enumerate(rows):
        if not matches(row, spec["where"]):
            continue
        where = f"{source}: row {number}"

        def get(role: str, row=row, where=where) -> Any:
            path = fields.get(role)
            return field(row, path, where, f"{key}.fields.{role}") if path else None

        yield {
            "source_id": str(get("id")) if fields.get("id") else str(number),
            "question": as_text(get("question")) or "",
            "passage": as_text(get("passage")) or "",
            "answer": as_text(get("answer")),
            "negative_passages": as_texts(get("negatives")),
        }


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


def fetch_qa(spec: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Read one QA dataset described by a `datasets[]` config entry into a `qa` table."""
    rows = stream_rows(spec["source"], spec["subset"], spec["split"], spec["limit"])
    rows = tqdm(rows, desc=f"fetch {spec['name']}", unit=" rows")
    pairs = list(row_pairs(rows, spec["source"], spec, f"datasets[{spec['name']}]"))
    frame = pd.DataFrame(pairs, columns=["source_id", "question", "passage", "answer", "negative_passages"])
    ids = [f"{spec['name']}/{i}" for i in frame.pop("source_id")]
    warn_repeated_ids(ids, spec)
    frame.insert(0, "qa_id", unique_ids(ids))
    frame["dataset"] = spec["name"]
    frame["lang"] = lang
    frame["question_id"] = frame["question"].map(text_id)
    frame["passage_id"] = frame["passage"].map(text_id)
    frame["negative_passage_ids"] = frame["negative_passages"].map(lambda ps: [text_id(p) for p in ps])
    return frame
