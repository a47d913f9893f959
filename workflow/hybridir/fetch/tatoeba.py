"""Tatoeba (Artetxe & Schwenk 2019; XTREME's and XTREME-R's sentence retrieval) as benchmark tables.

Source: facebookresearch/LASER `data/tatoeba/v1/`, per language `tatoeba.<code>-eng.<code>` and
`tatoeba.<code>-eng.eng`, aligned by line (line i of one translates line i of the other), up to
1,000 pairs. The English side differs from language to language, so each language is a benchmark
of its own two languages (`tatoeba_pair`); `read_tatoeba` reads the languages of an entry.

Tables of one language pair p = "<xx>-en", line i (0-based) being the pair "<p>/<i>":
- queries and candidates: both sentences of every pair, ids "<lang>/<p>/<i>", group p
  (candidates: paragraph_id p, sentence_index i, no context);
- qrels: question "<p>/<i>" has its two sentences relevant, so in the `to_en` setting the xx
  sentence retrieves among the English ones of its pair (xx->en) and in `from_en` the English one
  among the xx ones (en->xx).

XTREME's evaluation (google-research/xtreme, third_party/utils_retrieve.py `similarity_search`)
indexes the xx side and searches it with the English side: its reported accuracy is en->xx.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.errors import ConfigError, DataError
from hybridir.fetch.lines import read_lines
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, QRELS_COLUMNS, QUERY_COLUMNS, Benchmark, kept_ledger
from hybridir.languages import LASER_CODES
from hybridir.locations import fill_template

ENGLISH = "en"


def tatoeba_paths(template: str, lang: str, key: str) -> tuple[str, str]:
    """The xx file and the English file of a language, from a template with `{code}` (LASER's code
    of the language) and `{side}` (that code, or "eng")."""
    if lang not in LASER_CODES:
        raise ConfigError(f"config key {key}: no Tatoeba file code for language {lang!r}; known: {sorted(LASER_CODES)}")
    code = LASER_CODES[lang]
    return fill_template(template, key, code=code, side=code), fill_template(template, key, code=code, side="eng")


def aligned_sentences(xx_path: str, en_path: str) -> tuple[list[str], list[str]]:
    """The stripped lines of two line-aligned files: as many in each, none empty."""
    sides = {xx_path: read_lines(xx_path), en_path: read_lines(en_path)}
    counts = {path: len(lines) for path, lines in sides.items()}
    if counts[xx_path] != counts[en_path]:
        longer = max(counts, key=counts.__getitem__)
        raise DataError(
            f"Tatoeba files are aligned by line but differ in length: {xx_path}: {counts[xx_path]} lines, "
            f"{en_path}: {counts[en_path]} lines ({longer}: line {min(counts.values()) + 1} has no partner)"
        )
    for path, lines in sides.items():
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                raise DataError(f"{path}: line {number} is empty (its pair has no sentence on this side)")
    return [line.strip() for line in sides[xx_path]], [line.strip() for line in sides[en_path]]


def tatoeba_pair(xx_path: str, en_path: str, lang: str) -> Benchmark:
    """The tables of one Tatoeba language and its English side (see the module docstring): the xx
    sentences first, then the English ones, so that each side is one run of candidate rows."""
    pair = f"{lang}-{ENGLISH}"
    sides = dict(zip((lang, ENGLISH), aligned_sentences(xx_path, en_path), strict=True))
    rows = [(side, index, text) for side, texts in sides.items() for index, text in enumerate(texts)]
    candidates = [(f"{side}/{pair}/{i}", side, pair, i, text, None, pair) for side, i, text in rows]
    queries = [(f"{side}/{pair}/{i}", f"{pair}/{i}", side, text, pair) for side, i, text in rows]
    qrels = pd.DataFrame([(f"{pair}/{i}", f"{side}/{pair}/{i}", 1) for side, i, _ in rows], columns=QRELS_COLUMNS)
    return Benchmark(
        pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        pd.DataFrame(queries, columns=QUERY_COLUMNS),
        qrels,
        kept_ledger(qrels, lang, xx_path),
    )


def read_tatoeba(spec: Mapping[str, Any]) -> dict[str, Benchmark]:
    """One benchmark per language of a `benchmarks[]` entry of format tatoeba (its `source`: the
    template of tatoeba_paths), in the entry's language order."""
    key = f"benchmarks[{spec['name']}].source"
    return {lang: tatoeba_pair(*tatoeba_paths(spec["source"], lang, key), lang) for lang in spec["languages"]}
