"""BUCC 2018 bitext mining (Zweigenbaum et al. 2018; XTREME's other retrieval task) as benchmark
tables, one benchmark per language pair (de, fr, ru, zh against English).

Source: the shared task's archives as XTREME's scripts/download_data.sh names them,
`https://comparable.limsi.fr/bucc2018/bucc2018-<xx>-en.{training,sample}-gold.tar.bz2`, which
hold `<xx>-en/<xx>-en.<split>.<xx>` and `.en` (one sentence per line: "<id>\\t<sentence>", ids
such as "de-000000001") and `<xx>-en.<split>.gold` (one parallel pair per line: "<xx id>\\t<en
id>"). XTREME renames split `training` to `test` and `sample` to `dev` and reports F1 on
`training`. The `source` template takes `{lang}`, `{split}` and `{side}` (xx, en or gold).

Tables: candidates are the sentences of both sides ("<xx>/<id>" and "en/<xx>-en/<id>", as every
pair has English ids of its own; paragraph_id the BUCC id, group the pair "<xx>-en"),
the sentences mined between; queries are the xx sentences; qrels are the gold pairs (question
= xx id, candidate = "en/<xx>-en/<en id>"). Scoring (margin mining, threshold, F1) is
hybridir.evaluate.mining.
"""

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.errors import DataError
from hybridir.fetch.lines import iter_lines, split_fields
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, QRELS_COLUMNS, QUERY_COLUMNS, Benchmark, kept_ledger
from hybridir.locations import fill_template

ENGLISH = "en"


def read_sentences(path: str) -> dict[str, str]:
    """id -> sentence of a BUCC sentence file; an empty sentence is kept and logged."""
    sentences: dict[str, str] = {}
    empty = 0
    for number, text in iter_lines(path):
        sentence_id, sentence = split_fields(path, number, text, ("id", "sentence"))
        sentence_id = sentence_id.strip()
        if sentence_id in sentences:
            raise DataError(f"{path}: line {number}: sentence id {sentence_id} occurs a second time")
        sentences[sentence_id] = sentence.strip()
        empty += not sentences[sentence_id]
    if empty:
        logging.warning("%s: %d sentences are empty (kept)", path, empty)
    return sentences


def read_gold(path: str, source: Mapping[str, str], target: Mapping[str, str]) -> list[tuple[str, str]]:
    """The gold pairs of a BUCC gold file, each id present in its side's sentences."""
    pairs = []
    for number, text in iter_lines(path):
        source_id, target_id = (field.strip() for field in split_fields(path, number, text, ("xx id", "en id")))
        for sentence_id, side in ((source_id, source), (target_id, target)):
            if sentence_id not in side:
                raise DataError(f"{path}: line {number}: sentence {sentence_id} is not in its side's sentence file")
        pairs.append((source_id, target_id))
    return pairs


def bucc_pair(paths: Mapping[str, str], lang: str) -> Benchmark:
    """The tables of one BUCC language pair from its three files (paths by side: xx, en, gold)."""
    source, target = read_sentences(paths["xx"]), read_sentences(paths[ENGLISH])
    gold = read_gold(paths["gold"], source, target)
    pair = f"{lang}-{ENGLISH}"
    candidates = [(f"{lang}/{i}", lang, i, 0, text, None, pair) for i, text in source.items()]
    candidates += [(f"{ENGLISH}/{pair}/{i}", ENGLISH, i, 0, text, None, pair) for i, text in target.items()]
    qrels = pd.DataFrame([(s, f"{ENGLISH}/{pair}/{t}", 1) for s, t in gold], columns=QRELS_COLUMNS)
    return Benchmark(
        pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        pd.DataFrame([(f"{lang}/{i}", i, lang, text, pair) for i, text in source.items()], columns=QUERY_COLUMNS),
        qrels,
        kept_ledger(qrels, lang, paths["gold"]),
    )


def read_bucc(spec: Mapping[str, Any]) -> dict[str, Benchmark]:
    """One benchmark per language of a `benchmarks[]` entry of format bucc (`source` a template
    with `{lang}`, `{split}` and `{side}`; `split` training or sample), in language order."""
    key = f"benchmarks[{spec['name']}].source"

    def paths(lang: str) -> dict[str, str]:
        sides = {"xx": lang, ENGLISH: ENGLISH, "gold": "gold"}
        return {
            side: fill_template(spec["source"], key, lang=lang, split=spec["split"], side=name)
            for side, name in sides.items()
        }

    return {lang: bucc_pair(paths(lang), lang) for lang in spec["languages"]}
