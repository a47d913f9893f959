"""Synthetic, parallel demo data in English, German and Spanish, generated from templates.

Fictional towns get random facts (region, founding year, population, river, mayor, industry,
festival, mountain); each fact renders to a sentence and a question in every language
(hybridir.demo.templates), so the data is parallel by construction and needs no outside text.
`write_demo_data` writes every kind of source the fetch stage reads: QA datasets (JSONL, CSV,
Parquet), a row-parallel source, a LAReQA-format benchmark (XQuAD-R-like: every question in
every language), a raw MLQA-format benchmark of other towns (MLQA-R-like: every question in
English and one or two other languages, three questions per paragraph), a MIRACL-format
benchmark, a Tatoeba-format one (line-aligned sentences, German and Spanish each paired with
English sentences of towns of their own) and an mMARCO-format one (queries, collections and one
qrels file, ids shared by the three languages).
"""

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hybridir.demo.templates import ANSWER_SLOT, TEMPLATES, WORDS

LANGUAGES = ("en", "de", "es")
SYLLABLES = "al bar cel dor en fal gar hel ir jor kal lin mor nor ol pel quin ros sal tor ur val wen zar".split()


@dataclass
class Town:
    """A fictional town: its facts in a fixed order, and the slot values that fill them."""

    name: str
    facts: list[str]
    slots: dict[str, object]

    def sentence(self, fact: str, lang: str) -> str:
        return TEMPLATES[fact][lang][0].format(town=self.name, **self._slots(lang))

    def question(self, fact: str, lang: str) -> str:
        return TEMPLATES[fact][lang][1].format(town=self.name, **self._slots(lang))

    def answer(self, fact: str, lang: str) -> str:
        return str(self._slots(lang)[ANSWER_SLOT[fact]])

    def paragraph(self, lang: str) -> tuple[str, list[tuple[int, int]]]:
        """The town's paragraph in `lang` and the character spans of its sentences."""
        text, spans = "", []
        for fact in self.facts:
            start = len(text) + (1 if text else 0)
            text = f"{text} {self.sentence(fact, lang)}" if text else self.sentence(fact, lang)
            spans.append((start, len(text)))
        return text, spans

    def _slots(self, lang: str) -> dict[str, object]:
        return {k: (WORDS[k][lang][v] if k in WORDS else v) for k, v in self.slots.items()}


def make_name(rng: random.Random, taken: set[str], syllables: int = 3) -> str:
    """A capitalised name of random syllables that is not in `taken` (which it joins)."""
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()
        if name not in taken:
            taken.add(name)
            return name


def make_towns(count: int, seed: int, taken: set[str]) -> list[Town]:
    """`count` towns with 4-6 random facts each; names never repeat across calls sharing `taken`."""
    rng = random.Random(seed)
    towns = []
    for _ in range(count):
        slots = {
            "region": make_name(rng, taken),
            "year": rng.randint(900, 1950),
            "population": rng.randrange(1000, 90000, 100),
            "river": make_name(rng, taken),
            "mayor": f"{make_name(rng, taken)} {make_name(rng, taken)}",
            "industry": rng.randrange(len(WORDS["industry"]["en"])),
            "festival": rng.randrange(len(WORDS["festival"]["en"])),
            "month": rng.randrange(len(WORDS["month"]["en"])),
            "mountain": make_name(rng, taken),
            "height": rng.randrange(300, 4000, 10),
        }
        facts = rng.sample(sorted(TEMPLATES), rng.randint(4, 6))
        towns.append(Town(make_name(rng, taken), facts, slots))
    return towns


def qa_pairs(towns: list[Town], lang: str, rng: random.Random) -> list[dict[str, object]]:
    """One pair per (town, fact): the question and the town's paragraph, another town's as negative."""
    rows = []
    for t, town in enumerate(towns):
        passage = town.paragraph(lang)[0]
        for fact in town.facts:
            other = towns[(t + rng.randrange(1, len(towns))) % len(towns)]
            rows.append(
                {
                    "id": f"{town.name}-{fact}",
                    "question": town.question(fact, lang),
                    "passage": passage,
                    "answer": town.answer(fact, lang),
                    "negatives": [other.paragraph(lang)[0]],
                }
            )
    return rows


def squad_article(town: Town, lang: str, qid: str, asked: int, with_breaks: bool) -> dict[str, object]:
    """A SQuAD-format article of one town: its paragraph, its first `asked` facts as questions
    with ids `<qid>-<fact>`, and (with_breaks) LAReQA's sentence_breaks."""
    context, spans = town.paragraph(lang)
    qas = []
    for fact, (start, _) in list(zip(town.facts, spans, strict=True))[:asked]:
        answer = town.answer(fact, lang)
        qas.append(
            {
                "id": f"{qid}-{fact}",
                "question": town.question(fact, lang),
                "answers": [{"text": answer, "answer_start": context.index(answer, start)}],
            }
        )
    paragraph: dict[str, object] = {"context": context, "qas": qas}
    if with_breaks:
        paragraph["sentence_breaks"] = [list(s) for s in spans]
        paragraph["sentences"] = [context[s:e] for s, e in spans]
    return {"title": town.name, "paragraphs": [paragraph]}


def squad_file(towns: list[Town], lang: str, with_breaks: bool) -> dict[str, object]:
    """An XQuAD-R-like benchmark file: one article per town, the first two facts asked, every
    town in every language."""
    articles = [squad_article(town, lang, f"q{t:03d}", 2, with_breaks) for t, town in enumerate(towns)]
    return {"version": "hybridir-demo", "data": articles}


def mlqa_languages(count: int, seed: int) -> list[tuple[str, ...]]:
    """Languages of each MLQA-like town: English and one other language, a third of them all three,
    so a question has two or three relevant candidates and English the most (as in MLQA-R)."""
    rng = random.Random(seed)
    others = LANGUAGES[1:]
    return [LANGUAGES if rng.random() < 1 / 3 else ("en", rng.choice(others)) for _ in range(count)]


def mlqa_file(towns: list[Town], languages: list[tuple[str, ...]], lang: str) -> dict[str, object]:
    """A raw-MLQA-like file (no sentence breaks): the towns that have `lang`, three facts asked."""
    articles = [
        squad_article(town, lang, f"m{t:03d}", 3, with_breaks=False)
        for t, town in enumerate(towns)
        if lang in languages[t]
    ]
    return {"version": "hybridir-demo-mlqa", "data": articles}


def write_miracl(towns: list[Town], lang: str, folder: Path) -> None:
    """MIRACL-format topics, qrels and a gzipped JSONL corpus of one sentence per passage."""
    folder.mkdir(parents=True, exist_ok=True)
    topics, qrels, corpus = [], [], []
    for t, town in enumerate(towns):
        for f, fact in enumerate(town.facts):
            corpus.append({"docid": f"{t}#{f}", "title": town.name, "text": town.sentence(fact, lang)})
        qid = str(100 + t)
        topics.append(f"{qid}\t{town.question(town.facts[0], lang)}")
        qrels += [f"{qid}\tQ0\t{t}#0\t1", f"{qid}\tQ0\t{t}#{len(town.facts) - 1}\t0"]
    (folder / "topics.tsv").write_text("\n".join(topics) + "\n")
    (folder / "qrels.tsv").write_text("\n".join(qrels) + "\n")
    with gzip.GzipFile(folder / "corpus.jsonl.gz", "wb", mtime=0) as handle:
        handle.write("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus).encode())


# LASER's file codes of the demo's languages (hybridir.languages.LASER_CODES)
TATOEBA_CODES = {"de": "deu", "es": "spa"}
MMARCO_NAMES = {"en": "english", "de": "german", "es": "spanish"}


def write_tatoeba(towns: list[Town], folder: Path) -> None:
    """Tatoeba-format files: per non-English language, the fact sentences of its own towns in that
    language and in English, aligned by line (as LASER's, the English sides differ)."""
    folder.mkdir(parents=True, exist_ok=True)
    half = len(towns) // 2
    for (lang, code), own in zip(TATOEBA_CODES.items(), (towns[:half], towns[half:]), strict=True):
        facts = [(town, fact) for town in own for fact in town.facts]
        for side, side_lang in ((code, lang), ("eng", "en")):
            lines = [town.sentence(fact, side_lang) for town, fact in facts]
            (folder / f"tatoeba.{code}-eng.{side}").write_text("\n".join(lines) + "\n")


def write_mmarco(towns: list[Town], folder: Path) -> None:
    """mMARCO-format files: per language a queries TSV (one question per town) and a collection
    TSV (one passage per fact sentence), and one qrels file for all (the town's asked fact)."""
    queries, collection = folder / "google" / "queries" / "dev", folder / "google" / "collections"
    queries.mkdir(parents=True, exist_ok=True)
    collection.mkdir(parents=True, exist_ok=True)
    passages = [(t, f, fact) for t, town in enumerate(towns) for f, fact in enumerate(town.facts)]
    for lang, name in MMARCO_NAMES.items():
        topics = [f"{500 + t}\t{town.question(town.facts[1], lang)}" for t, town in enumerate(towns)]
        (queries / f"{name}_queries.dev.small.tsv").write_text("\n".join(topics) + "\n")
        rows = [f"{100 * t + f}\t{towns[t].sentence(fact, lang)}" for t, f, fact in passages]
        (collection / f"{name}_collection.tsv").write_text("\n".join(rows) + "\n")
    qrels = [f"{500 + t}\t0\t{100 * t + 1}\t1" for t in range(len(towns))]
    (folder / "qrels.dev.small.tsv").write_text("\n".join(qrels) + "\n")


def write_jsonl(rows: list[dict[str, object]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_json(data: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))


DEMO_TOWNS = {
    "train": 60,
    "extra": 20,
    "parallel": 20,
    "bench": 30,
    "held_out": 15,
    "mlqa": 36,
    "tatoeba": 12,
    "mmarco": 16,
}


def demo_towns(seed: int) -> dict[str, list[Town]]:
    """The demo's groups of towns (DEMO_TOWNS), no name shared between groups."""
    taken: set[str] = set()
    return {group: make_towns(n, seed + i, taken) for i, (group, n) in enumerate(DEMO_TOWNS.items())}


def write_demo_data(folder: str | Path, seed: int = 0) -> None:
    """Write every demo source under `folder`; training, validation and benchmark towns never
    overlap, and the LAReQA-like and MLQA-like benchmarks have towns of their own."""
    folder = Path(folder)
    rng = random.Random(seed)
    towns = demo_towns(seed)
    train, extra, parallel, bench, held_out = (towns[g] for g in ("train", "extra", "parallel", "bench", "held_out"))
    mlqa = towns["mlqa"]
    mlqa_langs = mlqa_languages(len(mlqa), seed)
    write_jsonl(qa_pairs(train, "en", rng), folder / "qa" / "facts.jsonl")
    pd.DataFrame(qa_pairs(extra, "en", rng)).drop(columns="negatives").to_csv(folder / "qa" / "extra.csv", index=False)
    english_only = pd.DataFrame(qa_pairs(extra[:10], "en", rng))
    english_only.to_parquet(folder / "qa" / "english_only.parquet", index=False)
    write_jsonl(qa_pairs(held_out, "en", rng), folder / "qa" / "validation.jsonl")
    for lang in LANGUAGES:
        write_jsonl(qa_pairs(parallel, lang, random.Random(seed)), folder / "parallel" / f"{lang}.jsonl")
        write_json(squad_file(bench, lang, with_breaks=True), folder / "lareqa" / f"{lang}.json")
        write_json(mlqa_file(mlqa, mlqa_langs, lang), folder / "mlqa" / f"dev-context-{lang}-question-{lang}.json")
        write_miracl(bench, lang, folder / "miracl" / lang)
    write_tatoeba(towns["tatoeba"], folder / "tatoeba")
    write_mmarco(towns["mmarco"], folder / "mmarco")


def demo_texts(seed: int = 0) -> list[str]:
    """Paragraphs and questions in every demo language, to train the tiny demo MT vocabulary."""
    towns = make_towns(40, seed + 100, set())
    return [text for t in towns for lang in LANGUAGES for text in (t.paragraph(lang)[0], t.question(t.facts[0], lang))]


def demo_translation_pairs(seed: int = 0) -> list[tuple[str, str, str, str]]:
    """English sentences and questions with their German and Spanish versions, to train the demo MT."""
    pairs = []
    for town in make_towns(60, seed + 200, set()):
        for fact in town.facts:
            for lang in LANGUAGES[1:]:
                pairs.append((town.sentence(fact, "en"), "en", town.sentence(fact, lang), lang))
                pairs.append((town.question(fact, "en"), "en", town.question(fact, lang), lang))
    return pairs
