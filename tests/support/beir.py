"""A small benchmark in BEIR's published layout (beir-cellar/beir's GenericDataLoader, FiQA's files
on the Hub and in beir-cellar/beir): corpus.jsonl lines {"_id", "title", "text"}, queries.jsonl
lines {"_id", "text", "metadata"} and qrels/<split>.tsv with the header line
`query-id<TAB>corpus-id<TAB>score`. Passages are facts of fictional towns; each query asks for one:
ten towns of fixed facts (beir_records), or the offline demo's towns (town_records: the sentences
and questions that the demo's tiny NLLB learnt to translate)."""

import gzip
import json
import zipfile
from pathlib import Path

from hybridir.demo.data import make_towns

Records = tuple[list[dict], list[dict], dict[str, list[tuple[str, str, int]]]]

TOWNS = ["Arlo", "Brisk", "Cadwen", "Dunmore", "Elstow", "Farrow", "Glenby", "Harwick", "Ivel", "Jessop"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SPLITS = {"test": range(0, 6), "train": range(6, 10)}


def facts(t: int, town: str) -> list[str]:
    """The three facts (passages) of town number t: its river, its founding year, its market day."""
    return [
        f"The river of {town} is the {town.lower()}brook.",
        f"{town} was founded in {1500 + 7 * t}.",
        f"The market of {town} is held on {DAYS[t % 7]}.",
    ]


def beir_records() -> Records:
    """corpus, queries and qrels by split: a passage per (town, fact), a query per town asking for
    its river, judged relevant (score 1) to the river passage and not (score 0) to the market one."""
    corpus, queries, qrels = [], [], {split: [] for split in SPLITS}
    for t, town in enumerate(TOWNS):
        corpus += [{"_id": f"d{t}{f}", "title": town, "text": text} for f, text in enumerate(facts(t, town))]
        queries.append({"_id": f"q{t}", "text": f"Which river flows through {town}?", "metadata": {}})
        split = next(name for name, ids in SPLITS.items() if t in ids)
        qrels[split] += [(f"q{t}", f"d{t}0", 1), (f"q{t}", f"d{t}2", 0)]
    return corpus, queries, qrels


def town_records(count: int, seed: int) -> Records:
    """corpus, queries and qrels of `count` demo towns (hybridir.demo.data): a passage per fact
    sentence (title: the town), a query per town asking for its first fact, judged relevant to that
    fact's sentence and not to its second; the first half of the towns is the test split."""
    corpus, queries, qrels = [], [], {"test": [], "train": []}
    for t, town in enumerate(make_towns(count, seed, set())):
        corpus += [{"_id": f"{town.name}-{f}", "title": town.name, "text": town.sentence(f, "en")} for f in town.facts]
        queries.append({"_id": f"q{t}", "text": town.question(town.facts[0], "en"), "metadata": {}})
        split = "test" if t < count // 2 else "train"
        qrels[split] += [(f"q{t}", f"{town.name}-{town.facts[0]}", 1), (f"q{t}", f"{town.name}-{town.facts[1]}", 0)]
    return corpus, queries, qrels


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def write_beir(folder: Path, compressed: bool = False, records: Records | None = None) -> Path:
    """Write corpus.jsonl, queries.jsonl (gzip-compressed with `compressed`) and qrels/<split>.tsv of
    `records` (default: beir_records)."""
    corpus, queries, qrels = records or beir_records()
    (folder / "qrels").mkdir(parents=True, exist_ok=True)
    for name, records in (("corpus", corpus), ("queries", queries)):
        text = _jsonl(records)
        if compressed:
            (folder / f"{name}.jsonl.gz").write_bytes(gzip.compress(text.encode()))
        else:
            (folder / f"{name}.jsonl").write_text(text, encoding="utf-8")
    for split, rows in qrels.items():
        lines = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in rows)]
        (folder / "qrels" / f"{split}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def zip_beir(folder: Path, archive: Path, inner: str = "fiqa") -> Path:
    """The files of `folder` in a zip under `inner/`, as BEIR's datasets/<name>.zip hold them."""
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                handle.write(path, f"{inner}/{path.relative_to(folder)}")
    return archive


def beir_source(folder: Path, suffix: str = ".jsonl") -> dict[str, str]:
    """The {corpus, queries, qrels} source of a config entry for the files of write_beir."""
    return {
        "corpus": str(folder / f"corpus{suffix}"),
        "queries": str(folder / f"queries{suffix}"),
        "qrels": str(folder / "qrels" / "{split}.tsv"),
    }
