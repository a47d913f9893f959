"""Mewsli-X reader on files written in the layout get-mewsli-x.sh leaves (wikinews_mentions-
{dev,test}.jsonl with restored text, candidate_set_entities.jsonl); its `limit`; its errors."""

import json
from pathlib import Path

import pandas as pd
import pytest

from hybridir.errors import DataError
from hybridir.fetch.mewsli import mention_query, mewsli_benchmark
from hybridir.tables import to_arrow

TEXT = "Strike in Helsinki\n\nIn Helsinki, the {union} of drivers went on strike. Trains run."
ARTICLE = {
    "context": {
        "document_title": "Strike in Helsinki",
        "document_url": "https://en.wikinews.org/wiki?curid=1",
        "document_id": "en-1",
        "language": "en",
        "text": TEXT,
        "sentence_spans": [{"start": 0, "end": 18}, {"start": 20, "end": 71}, {"start": 72, "end": 83}],
    },
    "mentions": [
        {"example_id": "m1", "mention_span": {"start": 23, "end": 31, "text": "Helsinki"}, "entity_id": "Q1757"},
        {"example_id": "m2", "mention_span": {"start": 72, "end": 78, "text": "Trains"}, "entity_id": "Q870"},
    ],
}
GERMAN = {
    "context": {
        "document_id": "de-2",
        "language": "de",
        "text": "Berlin wächst.",
        "sentence_spans": [{"start": 0, "end": 14}],
    },
    "mentions": [{"example_id": "m3", "mention_span": {"start": 0, "end": 6, "text": "Berlin"}, "entity_id": "Q64"}],
}


def entity(qid: str, lang: str, description: str) -> dict:
    return {
        "entity_id": qid,
        "title": f"Title {qid}",
        "description": description,
        "description_url": f"https://{lang}.wikipedia.org/wiki/{qid}",
        "description_language": lang,
        "sentence_spans": [{"start": 0, "end": len(description)}],
    }


ENTITIES = [entity("Q1757", "en", "Helsinki is the capital\nof Finland."), entity("Q870", "fi", "Juna on kulkuneuvo.")]
ENTITIES += [
    entity("Q64", "de", "Berlin ist die Hauptstadt."),
    *(entity(f"Q9{i}", "en", f"Other {i}.") for i in range(30)),
]


def write_jsonl(path: Path, records: list) -> None:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))


def write_mewsli(folder: Path, articles: list | None = None, entities: list | None = None) -> dict:
    write_jsonl(folder / "wikinews_mentions-dev.jsonl", [ARTICLE, GERMAN] if articles is None else articles)
    write_jsonl(folder / "candidate_set_entities.jsonl", ENTITIES if entities is None else entities)
    return {
        "name": "mewsli_x",
        "format": "mewsli_x",
        "source": {
            "mentions": f"{folder}/wikinews_mentions-{{split}}.jsonl",
            "entities": f"{folder}/candidate_set_entities.jsonl",
        },
        "split": "dev",
        "languages": ["ar", "de", "en", "es", "fa", "ja", "pl", "ro", "ta", "tr", "uk"],
        "limit": None,
    }


def read(spec: dict, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    stream = mewsli_benchmark(spec, seed)
    return pd.concat(list(stream.candidates), ignore_index=True), stream.queries, stream.judgements()[0]


def test_mentions_become_marked_queries_and_entities_candidates(tmp_path: Path) -> None:
    """The space before the comma is XTREME-R's form: the mention goes between " { " and " } "."""
    candidates, queries, qrels = read(write_mewsli(tmp_path))
    assert queries["group"].isna().all() and candidates["group"].isna().all()
    assert queries.drop(columns="group").values.tolist() == [
        ["en/m1", "m1", "en", "Helsinki: In { Helsinki } , the (union) of drivers went on strike."],
        ["en/m2", "m2", "en", "Trains: { Trains } run."],
        ["de/m3", "m3", "de", "Berlin: { Berlin } wächst."],
    ]
    assert qrels.values.tolist() == [["m1", "Q1757", 1], ["m2", "Q870", 1], ["m3", "Q64", 1]]
    assert candidates.drop(columns="group").iloc[0].tolist() == [
        "Q1757",
        "en",
        "Q1757",
        0,
        "Helsinki is the capital of Finland.",
        "Title Q1757",
    ]
    assert len(candidates) == len(ENTITIES) and candidates["lang"].tolist()[:3] == ["en", "fi", "de"]
    for name, table in (("candidates", candidates), ("queries", queries), ("qrels", qrels)):
        to_arrow(table, name)


def test_only_the_entry_languages_are_read_and_limit_keeps_the_gold_entities(tmp_path: Path) -> None:
    spec = write_mewsli(tmp_path) | {"languages": ["de"], "limit": 5}
    candidates, queries, _ = read(spec)
    assert queries["query_id"].tolist() == ["de/m3"]
    assert len(candidates) == 6 and "Q64" in set(candidates["candidate_id"])
    assert candidates["candidate_id"].tolist() == [
        c["entity_id"] for c in ENTITIES if c["entity_id"] in set(candidates["candidate_id"])
    ]


def test_the_query_of_xtreme_r_s_baseline_by_hand() -> None:
    context = {"text": "A {b} c D e.", "sentence_spans": [{"start": 0, "end": 12}]}
    mention = {"example_id": "x", "mention_span": {"start": 6, "end": 7, "text": "c"}}
    assert mention_query(context, mention, "here") == "c: A (b) { c } D e."


def broken(**change) -> dict:
    article = json.loads(json.dumps(ARTICLE))
    for path, value in change.items():
        target = article
        *parents, leaf = path.split(".")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        target[int(leaf) if leaf.isdigit() else leaf] = value
    return article


@pytest.mark.parametrize(
    ("articles", "message"),
    [
        (
            [broken(**{"context.text": ""})],
            r"mentions-dev.jsonl: line 1: the article text is empty: run get-mewsli-x.sh",
        ),
        (
            [broken(**{"mentions.0.mention_span": {"start": 24, "end": 32, "text": "Helsinki"}})],
            r"line 1: mention m1: text\[24:32\]",
        ),
        (
            [broken(**{"context.sentence_spans": [{"start": 20, "end": 26}]})],
            r"line 1: mention m1 \[23, 31\] lies in no single sentence",
        ),
        (
            [broken(**{"context.sentence_spans": [{"start": 0, "end": 999}]})],
            r"line 1: sentence span \[0, 999\] is not inside",
        ),
        ([ARTICLE, "not an object"], r"mentions-dev.jsonl: line 2: expected a JSON object"),
        ([broken(**{"mentions.0": {"example_id": "m1"}})], r"line 1: a mention lacks example_id or entity_id"),
    ],
    ids=["text-not-restored", "span-mismatch", "crosses-sentences", "span-outside", "not-object", "mention-fields"],
)
def test_bad_mentions_name_the_file_and_line(tmp_path: Path, articles: list, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read(write_mewsli(tmp_path, articles=articles))


def test_a_gold_entity_missing_from_the_candidate_set_is_an_error(tmp_path: Path) -> None:
    spec = write_mewsli(tmp_path, entities=ENTITIES[1:])
    with pytest.raises(
        DataError, match=r"candidate_set_entities.jsonl: 1 gold entities are not in the candidate set, e.g. \['Q1757'\]"
    ):
        read(spec)
    (tmp_path / "candidate_set_entities.jsonl").write_text('{"entity_id": "Q1"}\n')
    with pytest.raises(DataError, match=r"candidate_set_entities.jsonl: line 1: "):
        read(spec)
