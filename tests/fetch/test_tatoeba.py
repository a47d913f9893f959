"""Tatoeba reader: LASER's files in ../shared/data/tatoeba (every XTREME and XTREME-R language
found and line-aligned), the tables of a pair, and its errors."""

from pathlib import Path

import pytest

from hybridir.errors import ConfigError, DataError
from hybridir.fetch.lines import read_lines
from hybridir.fetch.tatoeba import read_tatoeba, tatoeba_pair, tatoeba_paths
from hybridir.languages import LASER_CODES, XTREME_LANGUAGES, XTREME_R_LANGUAGES
from hybridir.tables import to_arrow
from tests.support import shared_benchmark

# Pairs per language below 1,000 (LASER's README of the folder; the list).
SHORT = {"jv": 205, "te": 234, "ta": 307, "sw": 390, "th": 548, "kk": 575, "ml": 687, "ka": 746}
TEMPLATE = "tatoeba.{code}-eng.{side}"


def spec(folder: Path, languages: list[str]) -> dict:
    return {"name": "tatoeba", "format": "tatoeba", "source": f"{folder}/{TEMPLATE}", "languages": languages}


def test_xtreme_and_xtreme_r_language_sets() -> None:
    assert len(XTREME_LANGUAGES) == len(set(XTREME_LANGUAGES)) == 36
    assert len(XTREME_R_LANGUAGES) == len(set(XTREME_R_LANGUAGES)) == 41
    assert set(XTREME_R_LANGUAGES) == set(LASER_CODES)
    assert {LASER_CODES[lang] for lang in ("fa", "sw", "zh", "tl", "jv")} == {"pes", "swh", "cmn", "tgl", "jav"}


def test_every_xtreme_r_language_is_found_and_line_aligned() -> None:
    folder = shared_benchmark("tatoeba")
    for lang in XTREME_R_LANGUAGES:
        xx, en = tatoeba_paths(f"{folder}/{TEMPLATE}", lang, "source")
        xx_lines, en_lines = read_lines(xx), read_lines(en)
        assert len(xx_lines) == len(en_lines) == SHORT.get(lang, 1000), lang
        assert all(line.strip() for line in xx_lines + en_lines), lang


def test_the_tables_of_the_36_xtreme_languages() -> None:
    benchmarks = read_tatoeba(spec(shared_benchmark("tatoeba"), list(XTREME_LANGUAGES)))
    assert list(benchmarks) == list(XTREME_LANGUAGES)
    for lang, bench in benchmarks.items():
        pairs = SHORT.get(lang, 1000)
        assert bench.candidates.groupby("lang").size().to_dict() == {lang: pairs, "en": pairs}
        assert bench.queries["query_id"].tolist() == bench.candidates["candidate_id"].tolist()
        assert bench.qrels.groupby("question_id").size().eq(2).all() and len(bench.qrels) == 2 * pairs
        for table in ("candidates", "queries", "qrels"):
            to_arrow(getattr(bench, table), table)
        assert (bench.candidates["group"] == f"{lang}-en").all() and (bench.queries["group"] == f"{lang}-en").all()
    german = benchmarks["de"]
    first = german.candidates.iloc[[0, 1000]]
    assert first["text"].tolist() == [
        "Maria sagte, sie wisse nicht, wo Tom sei.",
        "Mary said she didn't know where Tom was.",
    ]
    assert first["candidate_id"].tolist() == ["de/de-en/0", "en/de-en/0"]
    assert german.qrels.iloc[0].tolist() == ["de-en/0", "de/de-en/0", 1]


def write_pair(folder: Path, xx: str, en: str) -> dict:
    (folder / "tatoeba.deu-eng.deu").write_bytes(xx.encode("utf-8") if isinstance(xx, str) else xx)
    (folder / "tatoeba.deu-eng.eng").write_text(en, encoding="utf-8")
    return spec(folder, ["de"])


def test_a_line_separator_inside_a_sentence_does_not_shift_the_alignment(tmp_path: Path) -> None:
    bench = read_tatoeba(write_pair(tmp_path, "Eins\u2028zwei.\nDrei.\n", "One two.\nThree.\n"))["de"]
    assert bench.candidates["text"].tolist() == ["Eins\u2028zwei.", "Drei.", "One two.", "Three."]


@pytest.mark.parametrize(
    ("xx", "en", "message"),
    [
        ("Eins.\nZwei.\nDrei.\n", "One.\nTwo.\n", r"differ in length: .*deu: 3 lines, .*eng: 2 lines \(.*: line 3 has"),
        ("Eins.\n \nDrei.\n", "One.\nTwo.\nThree.\n", r"tatoeba.deu-eng.deu: line 2 is empty"),
        (b"Eins.\nZw\xe9i.\n", "One.\nTwo.\n", r"tatoeba.deu-eng.deu: line 2: not UTF-8"),
    ],
    ids=["unequal-files", "empty-line", "not-utf8"],
)
def test_bad_tatoeba_files_name_the_file_and_line(tmp_path: Path, xx, en: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_tatoeba(write_pair(tmp_path, xx, en))


def test_a_missing_file_and_an_unknown_language_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"tatoeba.deu-eng.deu: file not found"):
        read_tatoeba(spec(tmp_path, ["de"]))
    with pytest.raises(ConfigError, match=r"benchmarks\[tatoeba\].source: no Tatoeba file code for language 'xh'"):
        read_tatoeba(spec(tmp_path, ["xh"]))


def test_a_pair_is_readable_from_explicit_paths(tmp_path: Path) -> None:
    write_pair(tmp_path, "Ja.\n", "Yes.\n")
    bench = tatoeba_pair(str(tmp_path / "tatoeba.deu-eng.deu"), str(tmp_path / "tatoeba.deu-eng.eng"), "de")
    assert bench.queries.values.tolist() == [
        ["de/de-en/0", "de-en/0", "de", "Ja.", "de-en"],
        ["en/de-en/0", "de-en/0", "en", "Yes.", "de-en"],
    ]
