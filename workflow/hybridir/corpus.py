"""The corpus stage: translations joined back into a long parallel table, with a ledger.

Every input (pair, language) gets one ledger row: `kept`, `filtered` with a reason, or `failed`
with a reason. A pair's question and passage are filtered together in one language:
- empty_question, empty_passage: the source question (or passage) is empty or missing;
- duplicate_pair: the same (question, passage) texts came earlier in the dataset;
- missing_translation (failed): the translate stage has no translation of its text;
- flagged_<flag>: a translation carries a flag listed in `corpus.filter_flags`;
- untranslated_copy: a translation equals its source text (the MT copied it);
- length_ratio: translation/source characters outside `corpus.length_ratio`;
- missing_language (failed): an already-parallel source has the pair in other languages only.
A kept pair's reason is no_negative where it has no hard negative (it trains on in-batch negatives
alone). A translated pair keeps the hard negatives that are usable (translated, not flagged, not
copied) in every language where the pair is kept, the first `training.hard_negatives` of them,
so that it has the same negatives in every language; a bad one drops it, never the whole pair.
X-X and X-Y pairs are composed at batch time from this table; nothing is materialised per
language pair.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

PARALLEL_COLUMNS = ["pair_id", "dataset", "lang", "question", "passage", "negative_passages"]
LEDGER_COLUMNS = ["pair_id", "dataset", "lang", "status", "reason"]


@dataclass(frozen=True)
class CorpusFilters:
    """Which translations are dropped; the defaults are config.yaml's `corpus` defaults."""

    filter_flags: Sequence[str] = ("truncated_input", "truncated_output", "repetition", "empty")
    length_ratio: tuple[float, float] = (0.2, 5.0)

    @classmethod
    def from_config(cls, corpus: Mapping) -> "CorpusFilters":
        return cls(tuple(corpus["filter_flags"]), tuple(corpus["length_ratio"]))


DEFAULT_FILTERS = CorpusFilters()


def source_reasons(questions: pd.Series, passages: pd.Series) -> list[str | None]:
    """Why each source pair is unusable in every language (None where it is fine)."""
    empty_question = (questions.str.strip() == "").tolist()
    empty_passage = (passages.str.strip() == "").tolist()
    duplicated = pd.DataFrame({"q": questions, "p": passages}).duplicated().tolist()
    return [
        "empty_question" if q else "empty_passage" if p else "duplicate_pair" if d else None
        for q, p, d in zip(empty_question, empty_passage, duplicated, strict=True)
    ]


def translation_reason(source: str, translation: pd.Series | None, filters: CorpusFilters) -> str | None:
    """Why one translated text is unusable (None where it is fine)."""
    if translation is None:
        return "missing_translation"
    for flag in translation["flags"]:
        if flag in filters.filter_flags:
            return f"flagged_{flag}"
    text = translation["text"]
    if text.strip().casefold() == source.strip().casefold() and any(c.isalpha() for c in source):
        return "untranslated_copy"
    low, high = filters.length_ratio
    if not low <= len(text) / max(len(source), 1) <= high:
        return "length_ratio"
    return None


def _lookup(translations: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["text_id"]: row for _, row in translations.iterrows()}


def shared_negatives(
    pair: pd.Series, found: Mapping[str, dict], filters: CorpusFilters, negatives: int | None
) -> list[str]:
    """Ids of a pair's hard negatives that are usable in every language of `found` (those where
    the pair is kept besides the source), the first `negatives` of them (None: all)."""
    usable = [
        text_id
        for text_id, text in zip(pair["negative_passage_ids"], pair["negative_passages"], strict=True)
        if all(translation_reason(text, lookup.get(text_id), filters) is None for lookup in found.values())
    ]
    return usable[:negatives]


def kept_reason(negatives: Sequence[str]) -> str | None:
    """The reason of a kept (pair, language): no_negative where it has no hard negative."""
    return None if len(negatives) else "no_negative"


def language_reason(pair: pd.Series, lookup: dict[str, pd.Series], filters: CorpusFilters) -> str | None:
    """Why a pair is unusable in one translated language: its question's or its passage's translation."""
    question = translation_reason(pair["question"], lookup.get(pair["question_id"]), filters)
    return question or translation_reason(pair["passage"], lookup.get(pair["passage_id"]), filters)


def pair_texts(pair: pd.Series, ids: Sequence[str], lookup: dict[str, pd.Series] | None) -> tuple[str, str, list[str]]:
    """Question, passage and the hard negatives `ids` of a pair in one language: the source texts
    (`lookup` None) or their translations."""
    if lookup is None:
        given = dict(zip(pair["negative_passage_ids"], pair["negative_passages"], strict=True))
        return pair["question"], pair["passage"], [given[i] for i in ids]
    texts = [lookup[i]["text"] for i in (pair["question_id"], pair["passage_id"], *ids)]
    return texts[0], texts[1], texts[2:]


def translated_corpus(
    qa: pd.DataFrame,
    translations: Mapping[str, pd.DataFrame],
    source: str,
    filters: CorpusFilters = DEFAULT_FILTERS,
    negatives: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `parallel` rows and `corpus_ledger` rows of one QA dataset in its source language and
    every language of `translations` (an empty mapping keeps the source language only); a kept
    pair has the same hard negatives in every language, the first `negatives` (None: all)."""
    found = {lang: _lookup(table) for lang, table in translations.items()}
    rows: dict[str, list] = {lang: [] for lang in (source, *found)}
    ledger: dict[str, list] = {lang: [] for lang in (source, *found)}
    for (_, pair), reason in zip(qa.iterrows(), source_reasons(qa["question"], qa["passage"]), strict=True):
        fate = {source: reason} | {
            lang: reason or language_reason(pair, lookup, filters) for lang, lookup in found.items()
        }
        kept = {lang: found[lang] for lang, why in fate.items() if why is None and lang != source}
        ids = shared_negatives(pair, kept, filters, negatives) if reason is None else []
        for lang, why in fate.items():
            if why is not None:
                status = "failed" if why == "missing_translation" else "filtered"
                ledger[lang].append((pair["qa_id"], pair["dataset"], lang, status, why))
                continue
            ledger[lang].append((pair["qa_id"], pair["dataset"], lang, "kept", kept_reason(ids)))
            rows[lang].append((pair["qa_id"], pair["dataset"], lang, *pair_texts(pair, ids, found.get(lang))))
    return (
        pd.DataFrame([row for lang in rows for row in rows[lang]], columns=PARALLEL_COLUMNS),
        pd.DataFrame([row for lang in ledger for row in ledger[lang]], columns=LEDGER_COLUMNS),
    )


def missing_languages(parallel: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows (failed, missing_language) of the pairs that the source lacks in some of its languages."""
    present = set(zip(parallel["pair_id"], parallel["lang"], strict=True))
    dataset = dict(zip(parallel["pair_id"], parallel["dataset"], strict=True))
    rows = [
        (pair_id, dataset[pair_id], lang, "failed", "missing_language")
        for pair_id in pd.unique(parallel["pair_id"])
        for lang in pd.unique(parallel["lang"])
        if (pair_id, lang) not in present
    ]
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)


def parallel_corpus(parallel: pd.DataFrame, negatives: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An already-parallel source, filtered for empty and duplicate pairs within each language; a
    pair missing in one of the source's languages is `failed` there (missing_language). Each pair
    keeps its first `negatives` hard negatives (None: all)."""
    reasons: list[str | None] = [None] * len(parallel)
    for _, group in parallel.reset_index(drop=True).groupby("lang", sort=False):
        for position, reason in zip(group.index, source_reasons(group["question"], group["passage"]), strict=True):
            reasons[position] = reason
    table = parallel.reset_index(drop=True)
    table["negative_passages"] = table["negative_passages"].map(lambda texts: list(texts)[:negatives])
    kept = table[[r is None for r in reasons]]
    ledger = table[["pair_id", "dataset", "lang"]].copy()
    ledger["status"] = ["kept" if r is None else "filtered" for r in reasons]
    given = zip(reasons, table["negative_passages"], strict=True)
    ledger["reason"] = pd.Series([kept_reason(n) if r is None else r for r, n in given], dtype=object)
    ledger = pd.concat([ledger[LEDGER_COLUMNS], missing_languages(parallel)], ignore_index=True)
    return kept[PARALLEL_COLUMNS].reset_index(drop=True), ledger
