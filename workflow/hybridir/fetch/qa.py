"""English (source-language) QA datasets: one row per question-passage pair, table `qa`."""

from collections import Counter
from collections.abc import Iterator, Mapping
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


def _pairs(spec: Mapping[str, Any], rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    fields = spec["fields"]
    key = f"datasets[{spec['name']}].fields"
    for number, row in enumerate(rows):
        if not matches(row, spec["where"]):
            continue
        where = f"{spec['source']}: row {number}"
        pair = {
            "source_id": str(field(row, fields["id"], where, f"{key}.id")) if fields["id"] else str(number),
            "question": as_text(field(row, fields["question"], where, f"{key}.question")) or "",
            "passage": as_text(field(row, fields["passage"], where, f"{key}.passage")) or "",
            "answer": as_text(field(row, fields["answer"], where, f"{key}.answer")) if fields["answer"] else None,
            "negative_passages": as_texts(field(row, fields["negatives"], where, f"{key}.negatives"))
            if fields["negatives"]
            else [],
        }
        yield pair


def fetch_qa(spec: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Read one QA dataset described by a `datasets[]` config entry into a `qa` table."""
    rows = stream_rows(spec["source"], spec["subset"], spec["split"], spec["limit"])
    pairs = list(_pairs(spec, tqdm(rows, desc=f"fetch {spec['name']}", unit=" rows")))
    frame = pd.DataFrame(pairs, columns=["source_id", "question", "passage", "answer", "negative_passages"])
    frame.insert(0, "qa_id", unique_ids([f"{spec['name']}/{i}" for i in frame.pop("source_id")]))
    frame["dataset"] = spec["name"]
    frame["lang"] = lang
    frame["question_id"] = frame["question"].map(text_id)
    frame["passage_id"] = frame["passage"].map(text_id)
    frame["negative_passage_ids"] = frame["negative_passages"].map(lambda ps: [text_id(p) for p in ps])
    return frame
