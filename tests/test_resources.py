"""Languages by resources: the table covers every language the pipeline knows with a source for
every number, the values checked against their sources, which languages a run saw in training,
and the groups the report compares."""

import csv

import pytest

from hybridir import resources
from hybridir.config import load_config
from hybridir.languages import NLLB_CODES
from hybridir.resources import Group, language_groups
from hybridir.vocabulary import FAMILIES, JOSHI_CLASS, LANGUAGE, LOW_RESOURCE_CLASSES, PRETRAINING, TRAINING
from tests.support import REPO

# the benchmarks' language lists (the shipped configs' own are read from them)
MIRACL_18 = "ar bn de en es fa fi fr hi id ja ko ru sw te th yo zh".split()
TATOEBA_XTREME_R = (
    "af ar az bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko lt ml mr nl pl pt ro ru sw ta te th tl tr "
    "uk ur vi zh"
).split()
MMARCO = "ar de en es fr hi id it ja nl pt ru vi zh".split()
MEWSLI_X = "ar de en es fa ja pl ro ta tr uk".split()
# (CC-100 GiB, Joshi class) as read from the sources (docs/sources.md): ../shared/LANGUAGES.md's
# table, each value checked against cc-100/cc-100.csv and data/lang2tax.txt.codes, and some of
# the languages it added (Tatoeba's low-resource ones)
CHECKED = {
    "en": (300.8, 5), "es": (53.3, 5), "de": (66.6, 5), "fr": (56.8, 5), "ja": (69.3, 5), "ar": (28.0, 5),
    "zh": (46.9, 5), "ru": (278.0, 4), "hi": (20.2, 4), "tr": (20.9, 4), "vi": (137.3, 4), "ko": (54.2, 4),
    "fa": (111.6, 4), "fi": (54.3, 4), "el": (46.9, 3), "th": (71.7, 3), "id": (148.3, 3), "bn": (8.4, 3),
    "sw": (1.6, 2), "te": (4.7, 1), "yo": (None, 2), "jv": (0.2, 1), "tl": (3.1, 3), "ka": (9.1, 3),
    "kk": (6.4, 3), "mr": (2.8, 2), "ur": (5.7, 3), "af": (1.3, 3), "eu": (2.0, 4), "ml": (7.6, 1), "az": (6.5, 1),
}  # fmt: skip


def shipped_languages() -> set[str]:
    """Every language of the shipped configs: training languages and benchmark languages."""
    found = set()
    for path in (REPO / "config.yaml", REPO / "profiles" / "demo" / "pipeline.yaml"):
        config = load_config(path)
        found |= set(config["languages"]["train"])
        found |= {lang for benchmark in config["benchmarks"] for lang in benchmark["languages"]}
    return found


def test_the_table_has_every_language_the_pipeline_knows() -> None:
    known = set(resources.languages())
    benchmarks = set(MIRACL_18) | set(TATOEBA_XTREME_R) | set(MMARCO) | set(MEWSLI_X)
    assert shipped_languages() <= known and benchmarks <= known
    assert known == set(NLLB_CODES)


def test_every_number_has_its_source_and_every_gap_a_note() -> None:
    with resources.TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert (row["cc100_gib"] != "") == (row["cc100_source"] == "cc100"), row
        assert (row["joshi_class"] != "") == (row["joshi_source"] == "lang2tax") == (row["joshi_code"] != ""), row
        assert {row[f] for f in FAMILIES} <= {"true", "false"}, row
        if row["cc100_gib"] == "" or row["joshi_class"] == "":
            assert row["note"], f"{row['lang']}: an unknown value needs a note saying why"
    assert {"cc100", "lang2tax", *FAMILIES} == set(resources.SOURCES)
    for record in resources.languages().values():
        assert record.joshi_class in {None, 0, 1, 2, 3, 4, 5}
        assert record.cc100_gib is None or record.cc100_gib > 0


@pytest.mark.parametrize(("lang", "expected"), CHECKED.items())
def test_values_read_from_the_sources(lang: str, expected: tuple[float | None, int]) -> None:
    record = resources.language(lang)
    assert (record.cc100_gib, record.joshi_class) == expected


def test_pretraining_coverage_of_each_family() -> None:
    """Languages of the table outside each family's list (XLM-R: CC-100; mBERT: multilingual.md;
    LaBSE: its model card)."""
    table = resources.languages()
    missing = {family: {lang for lang, r in table.items() if not r.covered_by(family)} for family in FAMILIES}
    assert missing["xlmr"] == {"ig", "tg", "yo", "zu"}
    assert missing["mbert"] == {"am", "ha", "ig", "km", "lo", "ps", "si", "so", "xh", "zu"}
    assert missing["labse"] == {"ps"}


def test_a_language_outside_the_table_is_unknown() -> None:
    record = resources.language("xx")
    assert record.cc100_gib is None and record.joshi_class is None and not record.pretrained
    assert record.low_resource is None and resources.language("sw").low_resource


def test_languages_by_class() -> None:
    assert resources.in_classes([1], among=["te", "sw", "jv", "en"]) == ["te", "jv"]
    assert set(resources.in_classes(LOW_RESOURCE_CLASSES, among=TATOEBA_XTREME_R)) == {
        "az", "jv", "ml", "mr", "sw", "te"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("FacebookAI/xlm-roberta-base", "xlmr"),
        ("xlm-roberta-large", "xlmr"),
        ("sentence-transformers/LaBSE", "labse"),
        ("google-bert/bert-base-multilingual-cased", "mbert"),
        ("bert-base-multilingual-cased/", "mbert"),
        ("results/demo/models/encoder-tiny", None),
        ("intfloat/multilingual-e5-base", None),
    ],
)
def test_an_encoders_pretraining_family_comes_from_its_model_name(model: str, family: str | None) -> None:
    assert resources.encoder_family(model) == family


TRAIN = ["en", "ar", "de", "th"]


@pytest.mark.parametrize(
    ("qa", "parallel", "expected"),
    [
        ([{"translate": True}], [], TRAIN),
        ([{"translate": False}], [], ["en"]),
        ([{"translate": False}], [{"languages": ["de", "fr", "en"]}], ["en", "de"]),
        ([], [{"languages": ["th", "ar"]}], ["ar", "th"]),
    ],
)
def test_training_languages_are_those_the_datasets_hold(qa: list, parallel: list, expected: list) -> None:
    assert resources.trained_languages("en", TRAIN, qa, parallel) == expected


def test_what_a_run_sees_depends_on_its_strategy() -> None:
    assert resources.seen_languages("zero_shot", TRAIN) == []
    assert resources.seen_languages("en_en", TRAIN) == ["en"]
    assert resources.seen_languages("hybrid", TRAIN) == resources.seen_languages("x_y", TRAIN) == TRAIN


def rows(*codes: str) -> list[resources.Language]:
    return [resources.language(lang) for lang in codes]


def test_a_row_survives_a_job_param() -> None:
    for record in resources.languages().values():
        assert resources.Language.from_record(record.record()) == record


def test_groups_of_a_run() -> None:
    groups = language_groups(rows("en", "sw", "de", "xx"), ["en", "de"], "xlmr")
    by = {(g.grouping, g.name): g.languages for g in groups}
    assert [g.name for g in groups if g.grouping == LANGUAGE] == ["en", "sw", "de", "xx"]
    assert [g.name for g in groups if g.grouping == JOSHI_CLASS] == ["class 5", "class 2", "class unknown"]
    assert by[(JOSHI_CLASS, "class 5")] == ("en", "de") and by[(JOSHI_CLASS, "class unknown")] == ("xx",)
    assert by[(TRAINING, "seen")] == ("en", "de") and by[(TRAINING, "unseen")] == ("sw", "xx")
    assert by[(PRETRAINING, "pretrained")] == ("en", "sw", "de") and by[(PRETRAINING, "not pretrained")] == ("xx",)
    untrained = language_groups(rows("en", "sw"), [], None)
    assert [g for g in untrained if g.grouping == TRAINING] == [Group(TRAINING, "unseen", ("en", "sw"))]
    assert not [g for g in untrained if g.grouping == PRETRAINING]
