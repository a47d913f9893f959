"""Small benchmarks of the BUCC and Mewsli-X formats made of demo towns, in their published layouts
(the demo itself carries Tatoeba- and mMARCO-format ones: hybridir.demo.data)."""

import json
from pathlib import Path

from hybridir.demo.data import Town, make_towns


def write_bucc_like(folder: Path, seed: int = 0, lang: str = "de", parallel: int = 8, others: int = 6) -> dict:
    """A BUCC-format pair `lang`-en (`<lang>-en/<lang>-en.training.{<lang>,en,gold}`): the fact
    sentences of `parallel` towns on both sides (the gold pairs, in another order on the English
    side) and those of `others` towns on one side only; returns its benchmarks[] entry."""
    towns = make_towns(parallel + 2 * others, seed + 300, set())
    both, xx_only = range(parallel), range(parallel, parallel + others)
    en_only = range(parallel + others, parallel + 2 * others)
    xx = [(t, f) for t in [*both, *xx_only] for f in towns[t].facts]  # (town number, fact)
    en = [(t, f) for t in [*en_only, *both] for f in towns[t].facts]
    xx_ids = {pair: f"{lang}-{i + 1:09d}" for i, pair in enumerate(xx)}
    en_ids = {pair: f"en-{i + 1:09d}" for i, pair in enumerate(en)}
    files = {
        lang: [f"{xx_ids[(t, f)]}\t{towns[t].sentence(f, lang)}" for t, f in xx],
        "en": [f"{en_ids[(t, f)]}\t{towns[t].sentence(f, 'en')}" for t, f in en],
        "gold": [f"{xx_ids[pair]}\t{en_ids[pair]}" for pair in xx if pair in en_ids],
    }
    (folder / f"{lang}-en").mkdir(parents=True)
    for side, lines in files.items():
        (folder / f"{lang}-en" / f"{lang}-en.training.{side}").write_text("\n".join(lines) + "\n")
    source = f"{folder}/{{lang}}-en/{{lang}}-en.{{split}}.{{side}}"
    return {"name": "tiny_bucc", "format": "bucc", "source": source, "split": "training", "languages": [lang]}


def _article(town: Town, lang: str, number: int) -> dict:
    """A WikiNews-like article of a town's paragraph, its first mention of the town's name linked."""
    text, spans = town.paragraph(lang)
    start = text.index(town.name)
    return {
        "context": {"document_id": f"{lang}-{number}", "language": lang, "text": text,
                    "sentence_spans": [{"start": a, "end": b} for a, b in spans]},
        "mentions": [{"example_id": f"{lang}-m{number}", "entity_id": f"Q{number}",
                      "mention_span": {"start": start, "end": start + len(town.name), "text": town.name}}],
    }  # fmt: skip


def _entity(town: Town, number: int, lang: str) -> dict:
    """A candidate entity described by the town's first two fact sentences in `lang`."""
    sentences = [town.sentence(fact, lang) for fact in town.facts[:2]]
    description = " ".join(sentences)
    return {
        "entity_id": f"Q{number}", "title": town.name, "description": description, "description_language": lang,
        "description_url": f"https://{lang}.wikipedia.org/wiki/Q{number}",
        "sentence_spans": [{"start": 0, "end": len(sentences[0])},
                           {"start": len(sentences[0]) + 1, "end": len(description)}],
    }  # fmt: skip


def write_mewsli_like(folder: Path, seed: int = 0, languages: tuple[str, ...] = ("en", "de", "es")) -> dict:
    """Mewsli-X-format files (`wikinews_mentions-dev.jsonl` with the article text restored,
    `candidate_set_entities.jsonl`): per language, articles about 4 towns mentioning them, and a
    candidate set of every town, the others as distractors, described in rotating languages;
    returns its benchmarks[] entry."""
    towns = make_towns(4 * len(languages) + 8, seed + 400, set())
    articles = [_article(towns[n], lang, n) for i, lang in enumerate(languages) for n in range(4 * i, 4 * i + 4)]
    entities = [_entity(town, n, languages[n % len(languages)]) for n, town in enumerate(towns)]
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in (("wikinews_mentions-dev", articles), ("candidate_set_entities", entities)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return {
        "name": "tiny_mewsli",
        "format": "mewsli_x",
        "source": {
            "mentions": f"{folder}/wikinews_mentions-{{split}}.jsonl",
            "entities": f"{folder}/candidate_set_entities.jsonl",
        },
        "split": "dev",
        "languages": list(languages),
    }
