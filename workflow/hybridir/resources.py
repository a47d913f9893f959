"""Languages by their resources: every language the pipeline knows (the codes of
hybridir.languages.NLLB_CODES, which hold every language of the shipped configs and benchmarks)
with its CC-100 size, its Joshi et al. (2020) class and which encoder families' pretraining
covered it (resources.csv, one row per language, each number with the source it was read from);
which languages a run saw in training; and the groups of languages the report compares
(hybridir.vocabulary.GROUPINGS names them; hybridir.evaluate.groups computes their statistics).

A value that no source gives is empty in the table (None here): the report writes "unknown".
Standard library only: the Snakefile, the plan and every stage can read it.
"""

import csv
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from hybridir.vocabulary import (
    FAMILIES,
    GROUPINGS,
    JOSHI_CLASS,
    LANGUAGE,
    LOW_RESOURCE_CLASSES,
    NOT_PRETRAINED,
    PRETRAINED,
    PRETRAINING,
    SEEN,
    TRAINING,
    UNSEEN,
    class_name,
    strategy,
)

TABLE = Path(__file__).with_name("resources.csv")
SOURCES = {
    "cc100": "CC-100 size in GiB (uncompressed): XLM-R paper (Conneau et al. 2020, arXiv 1911.02116), Appendix A, "
    "Table 6, as transcribed in GitHub mayhewsw/multilingual-data-stats, cc-100/cc-100.csv (commit 7397902)",
    "lang2tax": "Joshi class (0-5): Joshi et al. (2020), 'The State and Fate of Linguistic Diversity and Inclusion "
    "in the NLP World', ACL; its lang2tax.txt (microsoft/linguisticdiversity) as copied with ISO 639-3 codes in "
    "GitHub hamid-amir/data_lang2vec, data/lang2tax.txt.codes (commit 7feb3a8); joshi_code is the code looked up",
    "xlmr": "XLM-R pretraining: the 100 CC-100 languages of the same Table 6 (a code in cc-100.csv)",
    "mbert": "mBERT (bert-base-multilingual-cased) pretraining: the 104 Wikipedia languages listed in "
    "google-research/bert multilingual.md (102 of the uncased model plus Thai and Mongolian)",
    "labse": "LaBSE pretraining and training: its 109 languages, the `language` list of the "
    "sentence-transformers/LaBSE model card (arXiv 2007.01852)",
}


@dataclass(frozen=True)
class Language:
    """One row of resources.csv; None where no source gives the value."""

    lang: str
    name: str
    cc100_gib: float | None
    joshi_class: int | None
    joshi_code: str | None
    pretrained: frozenset[str]
    note: str

    def covered_by(self, family: str) -> bool:
        """Whether pretraining family `family` (xlmr, mbert, labse) covered this language."""
        return family in self.pretrained

    def record(self) -> dict[str, Any]:
        """The row as plain values (a job param, so that a job reruns when the table changes)."""
        return dataclasses.asdict(self) | {"pretrained": sorted(self.pretrained)}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "Language":
        return cls(**(dict(record) | {"pretrained": frozenset(record["pretrained"])}))

    @property
    def low_resource(self) -> bool | None:
        """Joshi class 0-2 (None where the class is unknown)."""
        return None if self.joshi_class is None else self.joshi_class in LOW_RESOURCE_CLASSES


def _optional(text: str, kind: type) -> float | int | str | None:
    return kind(text) if text != "" else None


def _row(row: Mapping[str, str]) -> Language:
    return Language(
        lang=row["lang"],
        name=row["name"],
        cc100_gib=_optional(row["cc100_gib"], float),
        joshi_class=_optional(row["joshi_class"], int),
        joshi_code=_optional(row["joshi_code"], str),
        pretrained=frozenset(family for family in FAMILIES if row[family] == "true"),
        note=row["note"],
    )


@cache
def languages() -> dict[str, Language]:
    """Every row of resources.csv by language code."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["lang"]: _row(row) for row in csv.DictReader(handle)}


def language(lang: str) -> Language:
    """The row of `lang`; a language outside the table has nothing known (the report says unknown)."""
    return languages().get(lang) or Language(lang, lang, None, None, None, frozenset(), "not in resources.csv")


def in_classes(classes: Iterable[int], among: Iterable[str] | None = None) -> list[str]:
    """The languages (of `among`, default every known one) whose Joshi class is one of `classes`."""
    wanted = set(classes)
    return [lang for lang in (languages() if among is None else among) if language(lang).joshi_class in wanted]


def encoder_family(model: str) -> str | None:
    """The pretraining family (xlmr, mbert, labse) of an encoder's Hub id or folder, by its name; None
    for a model this table cannot place (a local or other model: no pretraining grouping)."""
    name = PurePosixPath(model.rstrip("/")).name.lower()
    return next((family.name for family in FAMILIES.values() if name.startswith(family.model_prefix)), None)


# --- what training saw ----------------------------------------------------------------------


def trained_languages(
    source: str, train: Sequence[str], qa: Iterable[Mapping], parallel: Iterable[Mapping]
) -> list[str]:
    """The training languages (in `train` order) that a corpus of these dataset entries has: the
    source language with any QA dataset, every training language with a translated one
    (`translate` true), and the training languages each parallel dataset lists."""
    found: set[str] = set()
    for entry in qa:
        found |= set(train) if entry.get("translate", True) else {source}
    for entry in parallel:
        found |= set(entry["languages"])
    return [lang for lang in train if lang in found]


def seen_languages(strategy_name: str, trained: Sequence[str]) -> list[str]:
    """The languages a run of `strategy_name` saw in training, from its corpus's `trained` languages:
    none for the untrained encoder, its strategy's own languages where it has some (en_en: en)."""
    record = strategy(strategy_name)
    if not record.trained:
        return []
    return [lang for lang in trained if record.languages is None or lang in record.languages]


# --- groups of languages (hybridir.vocabulary.GROUPINGS) ---------------------------------------


@dataclass(frozen=True)
class Group:
    """Languages that the report averages together: `grouping` (language, joshi_class, training,
    pretraining), the group's `name` in it (de, class 5, seen, ...) and its languages."""

    grouping: str
    name: str
    languages: tuple[str, ...]


def _grouped(grouping: str, labels: Mapping[str, str], order: Sequence[str]) -> list[Group]:
    """Groups of `labels` (language -> group name), in `order` of names, empty groups left out."""
    return [
        Group(grouping, name, tuple(lang for lang, label in labels.items() if label == name))
        for name in order
        if name in labels.values()
    ]


def group_order(grouping: str, name: str, languages: Sequence[str]) -> tuple[int, int]:
    """Where a group comes in reports: by grouping (language, class, training, pretraining), then
    by its groups (a language group: by its place in `languages`)."""
    names = languages if grouping == LANGUAGE else GROUPINGS[grouping].groups
    return (list(GROUPINGS).index(grouping), list(names).index(name))


def language_groups(languages: Sequence[Language], seen: Sequence[str], family: str | None) -> list[Group]:
    """The groups of one run's results on a benchmark of `languages` (their rows): each language
    alone, by Joshi class (5 to 0, then unknown), seen / unseen in training (`seen`: the run's seen
    languages) and, where the encoder's pretraining `family` is known, pretrained / not pretrained."""
    codes = [record.lang for record in languages]
    groups = [Group(LANGUAGE, lang, (lang,)) for lang in codes]
    classes = {record.lang: class_name(record.joshi_class) for record in languages}
    groups += _grouped(JOSHI_CLASS, classes, GROUPINGS[JOSHI_CLASS].groups)
    trained = {lang: SEEN if lang in seen else UNSEEN for lang in codes}
    groups += _grouped(TRAINING, trained, GROUPINGS[TRAINING].groups)
    if family is not None:
        covered = {record.lang: PRETRAINED if record.covered_by(family) else NOT_PRETRAINED for record in languages}
        groups += _grouped(PRETRAINING, covered, GROUPINGS[PRETRAINING].groups)
    return groups
