"""BUCC reader on files in the shared task's layout (<xx>-en/<xx>-en.<split>.{xx,en,gold})."""

from pathlib import Path

import pytest

from hybridir.errors import DataError
from hybridir.fetch.bucc import read_bucc
from hybridir.tables import to_arrow

GERMAN = "de-000000001\tDer Hund schläft.\nde-000000002\tEs regnet.\nde-000000003\tHallo.\n"
ENGLISH = "en-000000001\tIt is raining.\nen-000000002\tThe dog sleeps.\n"
GOLD = "de-000000001\ten-000000002\nde-000000002\ten-000000001\n"


def write_bucc(folder: Path, german: str = GERMAN, english: str = ENGLISH, gold: str = GOLD) -> dict:
    (folder / "de-en").mkdir()
    for side, text in (("de", german), ("en", english), ("gold", gold)):
        (folder / f"de-en/de-en.training.{side}").write_text(text)
    return {
        "name": "bucc",
        "format": "bucc",
        "source": f"{folder}/{{lang}}-en/{{lang}}-en.{{split}}.{{side}}",
        "split": "training",
        "languages": ["de"],
    }


def test_both_sides_are_candidates_and_the_gold_pairs_qrels(tmp_path: Path) -> None:
    bench = read_bucc(write_bucc(tmp_path))["de"]
    assert bench.candidates["candidate_id"].tolist() == [
        "de/de-000000001",
        "de/de-000000002",
        "de/de-000000003",
        "en/de-en/en-000000001",
        "en/de-en/en-000000002",
    ]
    first = ["de/de-000000001", "de", "de-000000001", 0, "Der Hund schläft.", None, "de-en"]
    assert bench.candidates.iloc[0].tolist() == first
    assert bench.queries["query_id"].tolist() == ["de/de-000000001", "de/de-000000002", "de/de-000000003"]
    assert bench.qrels.values.tolist() == [
        ["de-000000001", "en/de-en/en-000000002", 1],
        ["de-000000002", "en/de-en/en-000000001", 1],
    ]
    for table in ("candidates", "queries", "qrels"):
        to_arrow(getattr(bench, table), table)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"gold": GOLD + "de-000000009\ten-000000001\n"},
            r"de-en.training.gold: line 3: sentence de-000000009 is not in",
        ),
        ({"german": GERMAN + "\n"}, r"de-en.training.de: line 4: expected 2 tab-separated fields"),
        (
            {"english": ENGLISH + "en-000000001\tAgain.\n"},
            r"de-en.training.en: line 3: sentence id en-000000001 occurs",
        ),
    ],
    ids=["gold-unknown-id", "empty-line", "repeated-id"],
)
def test_bad_bucc_files_name_the_file_and_line(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_bucc(write_bucc(tmp_path, **change))
