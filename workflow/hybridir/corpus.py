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
Hard negatives are dropped one by one (missing, flagged or copied), never the whole pair.
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


def _negatives(ids: Sequence[str], texts: Sequence[str], found: dict, filters: CorpusFilters) -> list[str]:
    kept = []
    for text_id, text in zip(ids, texts, strict=True):
        if translation_reason(text, found.get(text_id), filters) is None:
            kept.append(found[text_id]["text"])
    return kept


def translated_corpus(
    qa: pd.DataFrame,
    translations: Mapping[str, pd.DataFrame],
    source: str,
    filters: CorpusFilters = DEFAULT_FILTERS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `parallel` rows and `corpus_ledger` rows of one QA dataset in its source language and
    every language of `translations` (an empty mapping keeps the source language only)."""
    reasons = source_reasons(qa["question"], qa["passage"])
    rows, ledger = [], []
    for (_, pair), reason in zip(qa.iterrows(), reasons, strict=True):
        ledger.append((pair["qa_id"], pair["dataset"], source, "kept" if reason is None else "filtered", reason))
        if reason is None:
            negatives = list(pair["negative_passages"])
            rows.append((pair["qa_id"], pair["dataset"], source, pair["question"], pair["passage"], negatives))
    for lang, table in translations.items():
        found = _lookup(table)
        for (_, pair), reason in zip(qa.iterrows(), reasons, strict=True):
            if reason is None:
                question = found.get(pair["question_id"])
                passage = found.get(pair["passage_id"])
                reason = translation_reason(pair["question"], question, filters) or translation_reason(
                    pair["passage"], passage, filters
                )
            status = "kept" if reason is None else "failed" if reason == "missing_translation" else "filtered"
            ledger.append((pair["qa_id"], pair["dataset"], lang, status, reason))
            if reason is None:
                negatives = _negatives(pair["negative_passage_ids"], pair["negative_passages"], found, filters)
                rows.append((pair["qa_id"], pair["dataset"], lang, question["text"], passage["text"], negatives))
    return pd.DataFrame(rows, columns=PARALLEL_COLUMNS), pd.DataFrame(ledger, columns=LEDGER_COLUMNS)


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


def parallel_corpus(parallel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An already-parallel source, filtered for empty and duplicate pairs within each language; a
    pair missing in one of the source's languages is `failed` there (missing_language)."""
    reasons: list[str | None] = [None] * len(parallel)
    for _, group in parallel.reset_index(drop=True).groupby("lang", sort=False):
        for position, reason in zip(group.index, source_reasons(group["question"], group["passage"]), strict=True):
            reasons[position] = reason
    ledger = parallel[["pair_id", "dataset", "lang"]].reset_index(drop=True)
    ledger["status"] = ["kept" if r is None else "filtered" for r in reasons]
    ledger["reason"] = pd.Series(reasons, dtype=object)
    kept = parallel.reset_index(drop=True)[[r is None for r in reasons]]
    ledger = pd.concat([ledger[LEDGER_COLUMNS], missing_languages(parallel)], ignore_index=True)
    return kept[PARALLEL_COLUMNS].reset_index(drop=True), ledger
