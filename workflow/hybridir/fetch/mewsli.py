"""Mewsli-X (XTREME-R's entity retrieval; google-research/google-research,
dense_representations_for_entity_retrieval/mel/mewsli-x.md) as benchmark tables.

Source: the files that `get-mewsli-x.sh` leaves in `mewsli_x/output/dataset/` (the released zip
mewsli-x_20220518_6.zip omits the WikiNews article text; the script restores it from WikiNews
dumps): `wikinews_mentions-{dev,test}.jsonl`, one article per line (`context` with `text`,
`language` and `sentence_spans`; `mentions`, each with `example_id`, `mention_span` {start, end,
text} and the gold `entity_id`), and `candidate_set_entities.jsonl`, one entity per line
(`entity_id`, `title`, `description`, `description_language`, `sentence_spans`): 1,003,893
entities described in 50 languages (a quarter in English).

Tables: a query per mention of the entry's languages, "<lang>/<example_id>", question
example_id, its text XTREME-R's baseline form (utils_mewslix.preprocess_mention): the mention,
": ", then the sentence holding it with the mention between " { " and " } " (braces already in
the sentence turned into parentheses); a candidate per entity, id its entity_id (WikiData QID),
lang its description language, text its description's sentences joined by spaces, context its
title; qrels: each mention's gold entity. The pool of a mention is the whole candidate set
(the `multi` setting). The candidate set is streamed in chunks of CHUNK_ROWS; `limit` keeps
every gold entity plus `limit` others sampled by entity id (hybridir.fetch.sampling).
"""

import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.judgements import LEDGER_COLUMNS
from hybridir.fetch.lines import iter_lines
from hybridir.fetch.sampling import frames, judged_and_sampled
from hybridir.fetch.shapes import (
    CANDIDATE_COLUMNS,
    CHUNK_ROWS,
    QRELS_COLUMNS,
    QUERY_COLUMNS,
    BenchmarkStream,
    concat,
    kept_ledger,
)
from hybridir.locations import fill_template

BRACED = re.compile(r"\{(.*?)\}")


def json_lines(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location "<path>: line <n>", object) of each line of a JSON-lines file."""
    for number, text in iter_lines(path):
        where = f"{path}: line {number}"
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataError(f"{where}: not valid JSON: {error}") from None
        if not isinstance(record, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(record).__name__}")
        yield where, record


def normalised(text: str) -> str:
    """Lines joined by spaces, one doubled space removed per pair, ends stripped (XTREME-R's baseline)."""
    return " ".join(text.splitlines()).replace("  ", " ").strip()


def spans(record: Mapping[str, Any], field: str, where: str) -> list[tuple[int, int]]:
    """The (start, end) pairs of a record's `sentence_spans`, each inside `field`'s text."""
    length = len(record[field])
    try:
        pairs = [(int(span["start"]), int(span["end"])) for span in record["sentence_spans"]]
    except (KeyError, TypeError, ValueError):
        raise DataError(f"{where}: sentence_spans must be a list of {{start, end}}") from None
    for start, end in pairs:
        if not 0 <= start < end <= length:
            raise DataError(f"{where}: sentence span [{start}, {end}] is not inside the {length}-character {field}")
    return pairs


def mention_span(mention: Mapping[str, Any], where: str) -> tuple[int, int, str]:
    """(start, end, text) of a mention's span."""
    try:
        span = mention["mention_span"]
        return int(span["start"]), int(span["end"]), str(span["text"])
    except (KeyError, TypeError, ValueError):
        raise DataError(f"{where}: a mention lacks mention_span {{start, end, text}}") from None


def mention_query(context: Mapping[str, Any], mention: Mapping[str, Any], where: str) -> str:
    """The query text of a mention: "<mention>: <left> { <mention> } <right>" within its sentence."""
    text = context["text"]
    start, end, surface = mention_span(mention, where)
    if text[start:end] != surface:
        raise DataError(
            f"{where}: mention {mention['example_id']}: text[{start}:{end}] is {text[start:end]!r}, "
            f"not the mention {surface!r} (article text not restored as get-mewsli-x.sh does?)"
        )
    holding = [(a, b) for a, b in spans(context, "text", where) if a <= start and end <= b]
    if not holding:
        raise DataError(f"{where}: mention {mention['example_id']} [{start}, {end}] lies in no single sentence")
    first, last = holding[0]
    left, right = BRACED.sub(r"(\1)", text[first:start]), BRACED.sub(r"(\1)", text[end:last])
    return normalised(f"{surface}: {left} {{ {surface} }} {right}")


def mention_rows(path: str, languages: set[str]) -> tuple[list[tuple], list[tuple]]:
    """Query rows and qrels rows of the mentions of `languages` in a wikinews_mentions file."""
    queries, qrels = [], []
    for where, article in json_lines(path):
        try:
            context, mentions = article["context"], article["mentions"]
            lang, text = context["language"], context["text"]
        except (KeyError, TypeError):
            raise DataError(f"{where}: expected an article with context {{language, text}} and mentions") from None
        if lang not in languages:
            continue
        if not text:
            raise DataError(f"{where}: the article text is empty: run get-mewsli-x.sh, which restores it")
        for mention in mentions:
            if not {"example_id", "entity_id"} <= set(mention):
                raise DataError(f"{where}: a mention lacks example_id or entity_id")
            query = mention_query(context, mention, where)
            queries.append((f"{lang}/{mention['example_id']}", mention["example_id"], lang, query, None))
            qrels.append((mention["example_id"], mention["entity_id"], 1))
    return queries, qrels


def entity_rows(path: str) -> Iterator[tuple]:
    """Candidate rows of the candidate set, in file order; empty descriptions are logged."""
    empty = 0
    for where, entity in tqdm(json_lines(path), desc="fetch mewsli-x entities", unit=" entities"):
        try:
            sentences = [entity["description"][a:b] for a, b in spans(entity, "description", where)]
            row = (entity["entity_id"], entity["description_language"], entity["entity_id"], 0)
            text = normalised(" ".join(sentences))
            empty += not text
            yield (*row, text, entity["title"], None)
        except KeyError as error:
            raise DataError(f"{where}: the entity lacks {error}") from None
    if empty:
        logging.warning("%s: %d entities have an empty description (kept)", path, empty)


def entity_chunks(path: str, gold: set[str], limit: int | None, seed: int) -> Iterator[pd.DataFrame]:
    """The candidate set as chunks: all of it, or the gold entities and `limit` sampled others;
    a gold entity absent from the file is an error once it is read."""
    found: set[str] = set()

    def kept() -> Iterator[tuple]:
        for row in judged_and_sampled(entity_rows(path), lambda row: row[0], gold, limit, seed):
            if row[0] in gold:
                found.add(row[0])
            yield row

    yield from frames(kept(), CANDIDATE_COLUMNS, CHUNK_ROWS)
    if found != gold:
        missing = sorted(gold - found)
        raise DataError(f"{path}: {len(missing)} gold entities are not in the candidate set, e.g. {missing[:3]}")


def mewsli_benchmark(spec: Mapping[str, Any], seed: int) -> BenchmarkStream:
    """Read one `benchmarks[]` entry of format mewsli_x: source {mentions (a template with
    `{split}`), entities}, `split` (dev or test), `languages`, `limit`."""
    key = f"benchmarks[{spec['name']}].source.mentions"
    mentions = fill_template(spec["source"]["mentions"], key, split=spec["split"])
    queries, qrels = mention_rows(mentions, set(spec["languages"]))
    if not queries:
        raise DataError(f"{mentions}: no mention in the languages {spec['languages']}")
    gold = {entity for _, entity, _ in qrels}
    candidates = entity_chunks(spec["source"]["entities"], gold, spec.get("limit"), seed)
    table = pd.DataFrame(qrels, columns=QRELS_COLUMNS)
    langs = pd.Series([query[2] for query in queries])
    ledger = concat((kept_ledger(table[langs == lang], lang, mentions) for lang in pd.unique(langs)), LEDGER_COLUMNS)
    return BenchmarkStream(candidates, pd.DataFrame(queries, columns=QUERY_COLUMNS), lambda: (table, ledger))
