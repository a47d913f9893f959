"""Hard negatives mined with BM25 from a dataset's own passages, before translation.

Each pair's question retrieves the dataset's passages (in one language: the source language); its
hard negatives are the best-ranked ones, in rank order, that
- are not its positive, nor equal to it as hybridir.text.comparable forms;
- are not the positive of another pair with the same question (comparable forms);
- share a term with the question (BM25 score above 0);
- where the pair has an answer, do not contain it (DPR's token test, hybridir.fetch.bm25).
A negative is a passage of the dataset, so it is translated with the dataset and is the same
negative (the same passage id, or the same pair's passage) in every language.

Memory is bounded: the passages are dealt, in a seeded random order, into chunks of at most
`chunk` (CHUNK); each chunk is indexed on its own and searched by the pairs whose positive it
holds, so a pair's negatives come from a random sample of `chunk` passages of its dataset (all
of them where the dataset has fewer). perf/mining.py measures the peak memory.
"""

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hybridir.fetch.bm25 import answer_tokens, bm25_rankings, has_answer
from hybridir.fetch.negatives import negatives_source
from hybridir.text import comparable

CHUNK = 200_000  # passages per BM25 index
DEPTH = 32  # ranks searched per question (at least twice the negatives wanted)


def passage_chunks(passages: int, chunk: int, seed: int) -> list[np.ndarray]:
    """Passage indices dealt into chunks of at most `chunk`: all in order where they fit in one,
    else in a random order from `seed`."""
    if passages <= chunk:
        return [np.arange(passages)]
    order = np.random.default_rng(seed).permutation(passages)
    return [order[start : start + chunk] for start in range(0, passages, chunk)]


def same_question_positives(questions: Sequence[str], positives: Sequence[int]) -> dict[int, set[int]]:
    """For each pair whose question (comparable form) another pair shares, the positives of all of them."""
    groups: dict[str, list[int]] = defaultdict(list)
    for pair, question in enumerate(questions):
        groups[comparable(question)].append(pair)
    shared = {}
    for pairs in groups.values():
        if len(pairs) > 1:
            held = {positives[p] for p in pairs}
            shared.update(dict.fromkeys(pairs, held))
    return shared


class Candidates:
    """The passages one chunk offers as hard negatives, with their comparable forms and answer
    tokens computed once each, when first asked."""

    def __init__(self, passages: Sequence[str]):
        self.passages = passages
        self.forms: dict[int, str] = {}
        self.tokens: dict[int, tuple[str, ...]] = {}

    def form(self, index: int) -> str:
        if index not in self.forms:
            self.forms[index] = comparable(self.passages[index])
        return self.forms[index]

    def words(self, index: int) -> tuple[str, ...]:
        if index not in self.tokens:
            self.tokens[index] = answer_tokens(self.passages[index])
        return self.tokens[index]


def pick_negatives(
    ranked: np.ndarray,
    scores: np.ndarray,
    positive: int,
    excluded: set[int],
    answer: str | None,
    candidates: Candidates,
    count: int,
) -> list[int]:
    """The first `count` ranked passages that are hard negatives of a pair (module docstring)."""
    answers = [answer_tokens(answer)] if answer else []
    positive_form = candidates.form(positive)
    picked: list[int] = []
    for index, score in zip(ranked.tolist(), scores.tolist(), strict=True):
        if len(picked) == count or score <= 0:
            break
        if index == positive or index in excluded or candidates.form(index) == positive_form:
            continue
        if answers and has_answer(candidates.words(index), answers):
            continue
        picked.append(index)
    return picked


def mine_negatives(
    questions: Sequence[str],
    positives: Sequence[int],
    answers: Sequence[str | None],
    passages: Sequence[str],
    count: int,
    lang: str,
    seed: int = 0,
    threads: int = 1,
    chunk: int = CHUNK,
    allowed: np.ndarray | None = None,
) -> list[list[int]]:
    """For each pair (its question, the index of its positive among `passages`, its answer or
    None), the indices of up to `count` hard negatives among `passages` (module docstring);
    `allowed` (a boolean mask) limits the passages that may be negatives."""
    positives = np.asarray(positives, dtype=np.int64)
    shared = same_question_positives(questions, positives.tolist())
    negatives: list[list[int]] = [[] for _ in questions]
    candidates = Candidates(passages)
    depth = max(DEPTH, 2 * count)
    for number, members in enumerate(passage_chunks(len(passages), chunk, seed)):
        where = np.full(len(passages), -1, dtype=np.int64)
        where[members] = np.arange(len(members))
        pairs = np.flatnonzero(where[positives] >= 0)
        if len(members) < 2 or not len(pairs):
            continue
        mask = None if allowed is None else allowed[members]
        ranked, scores = bm25_rankings(
            [questions[p] for p in pairs], [passages[i] for i in members], depth, threads, lang, mask
        )
        for pair, ranks, values in zip(pairs.tolist(), members[ranked], scores, strict=True):
            excluded = shared.get(pair, set())
            negatives[pair] = pick_negatives(
                ranks, values, int(positives[pair]), excluded, answers[pair], candidates, count
            )
        candidates.forms.clear()
        candidates.tokens.clear()
        logging.info("BM25 chunk %d: %d passages searched by %d questions", number, len(members), len(pairs))
    return negatives


def mine_qa(
    qa: pd.DataFrame, count: int, lang: str, seed: int = 0, threads: int = 1, chunk: int = CHUNK
) -> pd.DataFrame:
    """A `qa` table whose hard negatives are mined from its own passages (ids and texts)."""
    codes, unique = pd.factorize(qa["passage_id"])
    ids = unique.tolist()
    texts = qa["passage"].to_numpy()[np.unique(codes, return_index=True)[1]].tolist()
    answers = [None if pd.isna(a) else a for a in qa["answer"]]
    mined = mine_negatives(qa["question"].tolist(), codes, answers, texts, count, lang, seed, threads, chunk)
    return qa.assign(
        negative_passage_ids=[[ids[i] for i in picked] for picked in mined],
        negative_passages=[[texts[i] for i in picked] for picked in mined],
    )


def mine_parallel(
    table: pd.DataFrame, count: int, lang: str, seed: int = 0, threads: int = 1, chunk: int = CHUNK
) -> pd.DataFrame:
    """A long `parallel` table whose hard negatives are mined in `lang` (else its first language):
    a negative is the passage of another pair present in every language, in each pair's language."""
    languages = list(pd.unique(table["lang"]))
    mining = lang if lang in languages else languages[0]
    complete = set(table.groupby("pair_id")["lang"].nunique().loc[lambda n: n == len(languages)].index)
    rows = table[table["lang"] == mining].reset_index(drop=True)
    codes, texts = pd.factorize(rows["passage"])
    owners: dict[int, str] = {}
    for code, pair_id in zip(codes.tolist(), rows["pair_id"], strict=True):
        if pair_id in complete:
            owners.setdefault(code, pair_id)
    allowed = np.array([code in owners for code in range(len(texts))], dtype=bool)
    answers = [None] * len(rows)
    mined = mine_negatives(
        rows["question"].tolist(), codes, answers, list(texts), count, mining, seed, threads, chunk, allowed
    )
    negative_pairs = {
        pair_id: [owners[i] for i in picked] for pair_id, picked in zip(rows["pair_id"], mined, strict=True)
    }
    passage = dict(zip(zip(table["pair_id"], table["lang"], strict=True), table["passage"], strict=True))
    negatives = [
        [passage[(owner, language)] for owner in negative_pairs.get(pair_id, [])]
        for pair_id, language in zip(table["pair_id"], table["lang"], strict=True)
    ]
    return table.assign(negative_passages=negatives)


def with_negatives(
    table: pd.DataFrame, spec: Mapping[str, Any], count: int, lang: str, seed: int = 0, threads: int = 1
) -> pd.DataFrame:
    """A fetched `qa` or `parallel` table with the hard negatives its entry's `negatives` says
    (hybridir.fetch.negatives): given ones kept, none dropped, or `count` mined per pair."""
    source = negatives_source(spec)
    if source == "given":
        return table
    if source == "none" or count == 0:
        logging.info("%s: no hard negatives (negatives: %s, %d to mine)", spec["name"], source, count)
        cleared = table.assign(negative_passages=[[] for _ in range(len(table))])
        return cleared.assign(negative_passage_ids=cleared["negative_passages"]) if "qa_id" in table else cleared
    logging.info("%s: mining %d hard negatives per pair with BM25 over its own passages", spec["name"], count)
    mined = (
        mine_qa(table, count, lang, seed, threads)
        if "qa_id" in table
        else mine_parallel(table, count, lang, seed, threads)
    )
    found = mined["negative_passages"].map(len)
    full, none = int((found == count).sum()), int((found == 0).sum())
    logging.info(
        "%s: %d pairs with %d mined hard negatives, %d with fewer, %d with none (the corpus ledger counts "
        "those without as no_negative)", spec["name"], full, count, len(found) - full - none, none,
    )  # fmt: skip
    return mined
