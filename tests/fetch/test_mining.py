"""Hard negatives mined with BM25 from a dataset's own passages (hybridir.fetch.mining), and the
config setting that chooses them (hybridir.fetch.negatives)."""

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hybridir.config import load_config
from hybridir.fetch.bm25 import answer_tokens, has_answer
from hybridir.fetch.mining import mine_parallel, mine_qa, passage_chunks, with_negatives
from hybridir.fetch.negatives import SPARES, negatives_source
from hybridir.plan.data import DataPlan
from hybridir.tables import to_arrow
from hybridir.text import comparable, text_id
from tests.support import REPO

WORDS = ["river", "River", "town", "mayor", "Zürich", "zurich", "founded", "1200", "new", "york", "the", "festival"]


def qa_table(pairs: list[tuple[str, str, str | None]], dataset: str = "toy") -> pd.DataFrame:
    """A `qa` table of (question, passage, answer) pairs without hard negatives."""
    return pd.DataFrame(
        {
            "qa_id": [f"{dataset}/{i}" for i in range(len(pairs))],
            "dataset": dataset,
            "lang": "en",
            "question_id": [text_id(q) for q, _, _ in pairs],
            "question": [q for q, _, _ in pairs],
            "passage_id": [text_id(p) for _, p, _ in pairs],
            "passage": [p for _, p, _ in pairs],
            "answer": [a for _, _, a in pairs],
            "negative_passage_ids": [[] for _ in pairs],
            "negative_passages": [[] for _ in pairs],
        }
    )


texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)


@st.composite
def datasets(draw) -> list[tuple[str, str, str | None]]:
    passages = draw(st.lists(texts, min_size=2, max_size=12))
    pair = st.tuples(texts, st.sampled_from(passages), st.none() | st.sampled_from([*WORDS, "new york", "the river"]))
    return draw(st.lists(pair, min_size=1, max_size=12))


@settings(max_examples=100, deadline=None, derandomize=True)
@example(pairs=[("river", "river town", None), ("festival", "River  Town", None)], count=1, chunk=1000, seed=0)
@given(pairs=datasets(), count=st.integers(1, 3), chunk=st.sampled_from([2, 3, 1000]), seed=st.integers(0, 9))
def test_a_mined_negative_is_never_the_positive_nor_holds_the_answer(pairs, count, chunk, seed) -> None:
    qa = qa_table(pairs)
    mined = mine_qa(qa, count, "en", seed=seed, chunk=chunk)
    to_arrow(mined, "qa")
    positives_of = qa.groupby(qa["question"].map(comparable))["passage"].agg(lambda ps: {comparable(p) for p in ps})
    pool = qa.drop_duplicates("passage_id")["passage_id"].tolist()
    chunk_of = {pool[i]: n for n, members in enumerate(passage_chunks(len(pool), chunk, seed)) for i in members}
    for row in mined.itertuples():
        assert len(row.negative_passages) <= count
        assert len(set(row.negative_passage_ids)) == len(row.negative_passage_ids)
        assert row.negative_passage_ids == [text_id(n) for n in row.negative_passages]
        for negative, negative_id in zip(row.negative_passages, row.negative_passage_ids, strict=True):
            assert negative_id != row.passage_id and comparable(negative) != comparable(row.passage)
            assert comparable(negative) not in positives_of[comparable(row.question)]
            if isinstance(row.answer, str):
                assert not has_answer(answer_tokens(negative), [answer_tokens(row.answer)])
            assert chunk_of[negative_id] == chunk_of[row.passage_id]


PAIRS = [
    ("Who is the mayor of Ulm?", "The mayor of Ulm is Anna Berg.", "Anna Berg"),
    ("Who is the mayor of Bern?", "The mayor of Bern is Karl Stein, elected in 850.", "Karl Stein"),
    ("When was Ulm founded?", "Ulm was founded in 850 by the family of Anna Berg.", "850"),
    ("Which river flows through Ulm?", "The Danube flows slowly through Ulm.", "Danube"),
    ("Which river flows through Ulm?", "Ulm lies on the river Danube, a long European river.", "Danube"),
]


def test_negatives_are_the_best_ranked_passages_that_qualify() -> None:
    """Passages by number, in bm25s's order (English stopwords; every score distinct):
    mayor of Ulm: 0 1 3 2 4; mayor of Bern: 1 0, the rest score 0; Ulm founded: 2 0 3 4, then 1
    at 0; river through Ulm: 3 4 0 2, then 1 at 0. Skipped: a pair's positive, passage 2 for the
    mayor of Ulm (it holds the answer, Anna Berg), a score of 0, and passages 3 and 4 for the river
    question, whose two pairs have them as positives."""
    mined = mine_qa(qa_table(PAIRS), 3, "en")
    numbers = {text: n for n, (_, text, _) in enumerate(PAIRS)}
    assert [[numbers[t] for t in texts] for texts in mined["negative_passages"]] == [
        [1, 3, 4],
        [0],
        [0, 3, 4],
        [0, 2],
        [0, 2],
    ]


def parallel_table() -> pd.DataFrame:
    """Pairs p/0..p/3 in en and de; p/3 is English only."""
    english = [row[:2] for row in PAIRS[:4]]
    rows = [(f"p/{i}", "en", q, p) for i, (q, p) in enumerate(english)]
    rows += [(f"p/{i}", "de", f"de: {q}", f"de: {p}") for i, (q, p) in enumerate(english[:3])]
    frame = pd.DataFrame(rows, columns=["pair_id", "lang", "question", "passage"])
    return frame.assign(dataset="p", negative_passages=[[] for _ in rows])[
        ["pair_id", "dataset", "lang", "question", "passage", "negative_passages"]
    ]


def test_a_parallel_source_gets_the_same_negative_pair_in_every_language() -> None:
    mined = mine_parallel(parallel_table(), 2, "en")
    to_arrow(mined, "parallel")
    negatives = mined.set_index(["pair_id", "lang"])["negative_passages"].map(list)
    for pair in ("p/0", "p/1", "p/2"):
        assert negatives[(pair, "de")] == [f"de: {text}" for text in negatives[(pair, "en")]]
        assert negatives[(pair, "en")]
    # p/3 (English only) is no negative, in no language; it gets negatives of its own
    assert not any(PAIRS[3][1] in texts for texts in negatives)
    assert negatives[("p/3", "en")]


def test_with_negatives_keeps_given_drops_none_and_mines_otherwise() -> None:
    qa = qa_table(PAIRS).assign(negative_passages=[["Given."]] * len(PAIRS))
    qa["negative_passage_ids"] = [[text_id("Given.")]] * len(PAIRS)
    spec = {"name": "toy", "fields": {"negatives": "negatives"}}
    assert with_negatives(qa, spec, 0, "en") is qa
    none = with_negatives(qa, spec | {"negatives": "none"}, 0, "en")
    assert none["negative_passages"].map(len).sum() == none["negative_passage_ids"].map(len).sum() == 0
    mined = with_negatives(qa, spec | {"negatives": "mined"}, 1, "en")
    assert "Given." not in set(mined["negative_passages"].sum()) and mined["negative_passages"].map(len).max() == 1
    to_arrow(mined, "qa")
    assert with_negatives(qa, {"name": "toy", "fields": {}}, 0, "en")["negative_passages"].map(len).sum() == 0


def test_the_paper_config_mines_negatives_for_every_training_dataset_without_given_ones() -> None:
    """The fetch job of each config.yaml training dataset: given negatives where its source has
    them (EntityQuestions' BM25 recipe, Mr. TyDi, mMARCO's triples), else mined, with spares for
    a translated dataset."""
    config = load_config(REPO / "config.yaml")
    plan, hard = DataPlan(config), config["training"]["hard_negatives"]
    mined = {name: plan.negatives_to_mine(name) for name in plan.corpus_datasets}
    given = {"entityquestions", "mrtydi_en", "mmarco"}
    assert {name for name, count in mined.items() if count == 0} == given
    assert all(negatives_source(plan.entry("datasets", name)) == "given" for name in given - {"mmarco"})
    assert mined["mfaq_en"] == hard and mined["wikiqa"] == hard + SPARES
    assert set(mined) - given == {"wikiqa", "duorc", "newsqa", "natural_questions", "yahoo_answers", "mfaq_en"}


@pytest.mark.parametrize(("passages", "chunk", "sizes"), [(5, 10, [5]), (5, 2, [2, 2, 1]), (4, 2, [2, 2])])
def test_passages_are_dealt_into_chunks_of_bounded_size(passages: int, chunk: int, sizes: list[int]) -> None:
    chunks = passage_chunks(passages, chunk, seed=3)
    assert [len(c) for c in chunks] == sizes
    assert sorted(i for c in chunks for i in c) == list(range(passages))
