"""Leakage audit speed and memory on synthetic data of growing size.

Data: texts of random words drawn from a Zipf-like vocabulary of 20,000 made-up words (so common
words recur, as in real text): evaluation questions (8-16 words), candidate sentences (15-30
words) and paragraphs (80-140 words), one language; training rows of a question (8-16 words), a
passage (60-140 words) and one hard negative. One training row in a hundred carries a planted copy
of an evaluation text with two characters changed.

1. The evaluation side is hashed and indexed once (hybridir.leakage.index_table, EvaluationIndex);
   its time and the process's peak RSS after it are printed.
2. For each --training size, a child process writes a Parquet table of that many rows in row
   groups of --chunk rows (the training side never sits in this process's memory); this process
   audits it as the workflow does (hybridir.tables.read_table_chunks in chunks of --chunk rows,
   hybridir.leakage.audit): training texts per second, planted copies found (of those whose
   n-gram Jaccard reaches the threshold), and this process's peak RSS so far. Sizes run in
   increasing order, so a peak that stays flat from one size to the next shows that memory does
   not grow with the training side.
3. --pairwise training rows (3 texts each) compared pairwise with every evaluation text (exact
   n-gram Jaccard, what the LSH avoids): its rate, and the audit's rate at the largest size over it.

Run: .venv/bin/python perf/leakage.py [--evaluation 20000] [--training 10000 20000 40000]
     [--chunk 5000] [--pairwise 10]
"""

import argparse
import random
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from hybridir.leakage import EvaluationIndex, LeakageSettings, audit, index_table, jaccard, ngrams, normalise
from hybridir.tables import read_table_chunks, to_arrow

VOCABULARY = 20_000
PLANT_EVERY = 100
THRESHOLD = LeakageSettings().threshold


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Words:
    """Random texts from a Zipf-like vocabulary of made-up words."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.words = ["".join(self.rng.choices(letters, k=self.rng.randint(2, 10))) for _ in range(VOCABULARY)]
        self.weights = [1 / (rank + 1) for rank in range(VOCABULARY)]

    def text(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(self.words, self.weights, k=self.rng.randint(low, high))) + "."

    def edited(self, text: str) -> str:
        chars = list(text)
        for position in self.rng.sample(range(len(chars) - 1), 2):
            chars[position] = "#"  # deleted by normalisation: two characters fewer
        return "".join(chars)


def evaluation_table(words: Words, size: int) -> pd.DataFrame:
    kinds = [("question", 8, 16), ("candidate", 15, 30), ("paragraph", 80, 140)]
    rows = []
    for i in range(size):
        field, low, high = kinds[i % 3]
        rows.append(("synthetic", f"en/{i}", "en", field, words.text(low, high)))
    return pd.DataFrame(rows, columns=["benchmark", "evaluation_id", "lang", "field", "text"])


def write_training(path: Path, size: int, chunk: int, evaluation: list[str]) -> int:
    """Write `size` training rows in row groups of `chunk` rows; the planted copies that reach the
    threshold (run in a child process)."""
    table, near = training_table(Words(seed=size), size, evaluation, LeakageSettings().ngram)
    pq.write_table(to_arrow(table, "parallel"), path, row_group_size=chunk)
    return near


def training_table(words: Words, size: int, evaluation: list[str], ngram: int) -> tuple[pd.DataFrame, int]:
    """The training rows, and how many of their planted copies reach the threshold's similarity
    (exact Jaccard: a copy of a short question with two characters gone may not)."""
    rows, near = [], 0
    for i in range(size):
        passage = words.text(60, 140)
        if i % PLANT_EVERY == 0:
            original = words.rng.choice(evaluation)
            passage = words.edited(original)
            near += jaccard(ngrams(normalise(passage), ngram), ngrams(normalise(original), ngram)) >= THRESHOLD
        rows.append(("synthetic", f"synthetic/{i}", "en", words.text(8, 16), passage, [words.text(60, 140)]))
    columns = ["dataset", "pair_id", "lang", "question", "passage", "negative_passages"]
    return pd.DataFrame(rows, columns=columns), near


def pairwise_rate(texts: list[str], evaluation: list[str], ngram: int) -> float:
    """Training texts per second compared with every evaluation text by exact n-gram Jaccard."""
    grams = [ngrams(normalise(text), ngram) for text in evaluation]
    start = time.perf_counter()
    for text in texts:
        mine = ngrams(normalise(text), ngram)
        [jaccard(mine, other) for other in grams]
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluation", type=int, default=20_000, help="evaluation texts")
    parser.add_argument("--training", type=int, nargs="+", default=[10_000, 20_000, 40_000], help="training rows")
    parser.add_argument("--chunk", type=int, default=5_000, help="rows per chunk and per Parquet row group")
    parser.add_argument("--pairwise", type=int, default=10, help="training rows compared pairwise")
    args = parser.parse_args()
    settings = LeakageSettings()
    words = Words(seed=0)
    texts = evaluation_table(words, args.evaluation)
    print(f"baseline: peak RSS {peak_rss_mb():.0f} MB (data generated)")
    start = time.perf_counter()
    index = EvaluationIndex(index_table(texts, settings), settings)
    seconds = time.perf_counter() - start
    print(
        f"index: {args.evaluation} evaluation texts hashed and indexed in {seconds:.1f} s "
        f"({args.evaluation / seconds:.0f} texts/s); peak RSS {peak_rss_mb():.0f} MB"
    )
    evaluation = texts["text"].tolist()
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(max_workers=1) as child:
        for size in sorted(args.training):
            path = Path(folder) / f"{size}.parquet"
            near = child.submit(write_training, path, size, args.chunk, evaluation).result()
            start = time.perf_counter()
            hits = audit(read_table_chunks(path, "parallel", None, args.chunk), index)
            seconds = time.perf_counter() - start
            rate = 3 * size / seconds  # a question, a passage and a negative per row
            found = hits.loc[hits["field"] == "passage", "pair_id"].nunique()
            print(
                f"training {size:>7} rows ({3 * size} texts): {seconds:6.1f} s, {rate:6.0f} texts/s, "
                f"planted copies found {found} of {near} at similarity >= {THRESHOLD} "
                f"({len(range(0, size, PLANT_EVERY))} planted), peak RSS {peak_rss_mb():.0f} MB"
            )
            path.unlink()
    sample, _ = training_table(Words(seed=1), args.pairwise, evaluation, settings.ngram)
    sample_texts = [*sample["question"], *sample["passage"], *(n for ns in sample["negative_passages"] for n in ns)]
    pairwise = pairwise_rate(sample_texts, evaluation, settings.ngram)
    print(
        f"pairwise: {pairwise:.2f} texts/s ({len(sample_texts)} texts of the same kind, each against {args.evaluation} "
        f"evaluation texts); the LSH audit is {rate / pairwise:.0f}x faster"
    )


if __name__ == "__main__":
    main()
