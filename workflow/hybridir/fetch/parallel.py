"""Already-parallel sources (mMARCO-style): the same pair ids in several languages, table `parallel`.

Three shapes:
- rows: one source per language ('{lang}' in source/subset), one pair per row, the pair id
  from a field or the row number (the languages are then aligned by row);
- triples: MS MARCO's id files, as mMARCO ships them: per-language `queries` (qid, text) and
  `passages` (pid, text) TSVs plus one language-independent `triples` TSV (qid, pos_pid,
  neg_pid); a pair is a (qid, pos_pid) with its negatives;
- lareqa: the human-parallel QA of a LAReQA-format benchmark (XQuAD-R) per '{lang}' file: a
  question with the sentence that holds its answer (the retrieval unit the benchmark scores), one
  pair per question id found in every language, optionally of articles [start, stop) only.
"""

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.benchmarks import answer_sentences, given_breaks, squad_language
from hybridir.fetch.qa import row_pairs, unique_ids
from hybridir.fetch.values import TextFields
from hybridir.locations import fill_template
from hybridir.sources import stream_columns, stream_rows

COLUMNS = ["pair_id", "dataset", "lang", "question", "passage", "negative_passages"]


def lang_source(template: str | None, spec: Mapping[str, Any], lang: str) -> str | None:
    """A source or subset template with '{lang}' replaced by the language's name in the source."""
    if template is None:
        return None
    return fill_template(
        template, f"parallel_datasets[{spec['name']}].lang_names", lang=spec["lang_names"].get(lang, lang)
    )


def _row_pairs(spec: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    source = lang_source(spec["source"], spec, lang)
    rows = stream_rows(source, lang_source(spec["subset"], spec, lang), spec["split"], spec["limit"])
    rows = tqdm(rows, desc=f"fetch {spec['name']} {lang}", unit=" rows")
    pairs = row_pairs(rows, source, spec, f"parallel_datasets[{spec['name']}]")
    return [{"pair_id": p["source_id"], **{c: p[c] for c in COLUMNS[3:]}} for p in pairs]


def check_aligned(frames: list[pd.DataFrame], spec: Mapping[str, Any]) -> None:
    """Languages paired by row number (no `fields.id`) have as many rows each."""
    counts = {lang: len(frame) for lang, frame in zip(spec["languages"], frames, strict=True)}
    if not spec["fields"].get("id") and len(set(counts.values())) > 1:
        shown = ", ".join(f"{lang}: {count}" for lang, count in counts.items())
        raise DataError(
            f"parallel_datasets[{spec['name']}]: without fields.id the languages are paired row by row, but "
            f"their row counts differ ({shown}); set fields.id to the field that names a pair"
        )


def fetch_parallel_rows(spec: Mapping[str, Any]) -> pd.DataFrame:
    """A `rows`-shaped parallel source as a long `parallel` table."""
    frames = []
    for lang in spec["languages"]:
        frame = pd.DataFrame(list(_row_pairs(spec, lang)), columns=COLUMNS[:1] + COLUMNS[3:])
        frame["pair_id"] = unique_ids([f"{spec['name']}/{i}" for i in frame["pair_id"]])
        frame["lang"] = lang
        frames.append(frame)
    check_aligned(frames, spec)
    return _long_table(frames, spec["name"])


def _triple_pairs(path: str, limit: int | None) -> dict[tuple[str, str], list[str]]:
    """The first `limit` (qid, positive pid) pairs of a triples file, with their negative pids."""
    pairs: dict[tuple[str, str], list[str]] = {}
    names = ["qid", "positive", "negative"]
    for row in stream_columns(path, *names):
        pair = (row["qid"], row["positive"])
        if pair not in pairs:
            if limit is not None and len(pairs) >= limit:
                break
            pairs[pair] = []
        pairs[pair].append(row["negative"])
    return pairs


def _id_texts(path: str, wanted: set[str]) -> dict[str, str]:
    """Texts of the wanted ids from an (id, text) TSV; an id missing from the file is an error."""
    texts, fields = {}, TextFields(path)
    for number, row in enumerate(stream_columns(path, "id", "text")):
        if row["id"] in wanted:
            texts[row["id"]] = fields.text(row["text"], f"{path}: row {number}", "text") or ""
    missing = wanted - texts.keys()
    if missing:
        raise DataError(f"{path}: {len(missing)} ids used by the triples are missing, e.g. {min(missing)}")
    return texts


def fetch_parallel_triples(spec: Mapping[str, Any]) -> pd.DataFrame:
    """A `triples`-shaped parallel source (mMARCO) as a long `parallel` table."""
    source = spec["source"]
    pairs = _triple_pairs(source["triples"], spec["limit"])
    qids = {qid for qid, _ in pairs}
    pids = {pid for pair, negatives in pairs.items() for pid in [pair[1], *negatives]}
    frames = []
    for lang in spec["languages"]:
        queries = _id_texts(lang_source(source["queries"], spec, lang), qids)
        passages = _id_texts(lang_source(source["passages"], spec, lang), pids)
        rows = [
            {
                "pair_id": f"{spec['name']}/{qid}-{pid}",
                "lang": lang,
                "question": queries[qid],
                "passage": passages[pid],
                "negative_passages": [passages[n] for n in negatives if n != pid],
            }
            for (qid, pid), negatives in pairs.items()
        ]
        frames.append(pd.DataFrame(rows))
    return _long_table(frames, spec["name"])


def _answer_pairs(spec: Mapping[str, Any], lang: str) -> pd.DataFrame:
    path = lang_source(spec["source"], spec, lang)
    return answer_sentences(squad_language(path, lang, given_breaks, articles=spec.get("articles")))


def fetch_parallel_lareqa(spec: Mapping[str, Any]) -> pd.DataFrame:
    """A LAReQA-format benchmark's questions and answer sentences as a long `parallel` table: the
    questions present in every language of `spec`, in the first language's file order (`limit`: the
    first so many)."""
    pairs = {lang: _answer_pairs(spec, lang).set_index("question_id") for lang in spec["languages"]}
    shared = set.intersection(*(set(frame.index) for frame in pairs.values()))
    kept = [qid for qid in pairs[spec["languages"][0]].index if qid in shared][: spec["limit"]]
    frames = []
    for lang, frame in pairs.items():
        logging.info("%s %s: %d questions, %d in all of %s", spec["name"], lang, len(frame), len(shared), list(pairs))
        rows = frame.loc[kept]
        frames.append(
            pd.DataFrame(
                {
                    "pair_id": [f"{spec['name']}/{qid}" for qid in kept],
                    "lang": lang,
                    "question": rows["question"].tolist(),
                    "passage": rows["sentence"].tolist(),
                    "negative_passages": [[] for _ in kept],
                }
            )
        )
    return _long_table(frames, spec["name"])


def _long_table(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    table = pd.concat(frames, ignore_index=True)
    table["dataset"] = name
    return table[COLUMNS]


def fetch_parallel(spec: Mapping[str, Any]) -> pd.DataFrame:
    """Read one `parallel_datasets[]` entry into a long `parallel` table."""
    if spec["format"] == "triples":
        return fetch_parallel_triples(spec)
    if spec["format"] == "lareqa":
        return fetch_parallel_lareqa(spec)
    return fetch_parallel_rows(spec)
