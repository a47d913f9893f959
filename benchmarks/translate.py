"""Translation throughput, measured in one run on this machine.

1. The project's path (CTranslate2, int8 on CPU, length-sorted token batches) against plain
   transformers `generate` on the same tiny NLLB-architecture model, inputs, greedy decoding
   and batch size; prints sentences/s of each and the ratio.
2. translate_texts on passages with 30% repeats, with the project's deduplication against
   without it (every row translated); prints seconds of each and the ratio.

Run: .venv/bin/python benchmarks/translate.py [--sentences 512] [--batch 32] [--threads 2]
"""

import argparse
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from hybridir.demo import LANGUAGES, make_towns
from hybridir.text import text_id
from hybridir.tiny import build_tiny_nllb
from hybridir.translate.convert import convert_model
from hybridir.translate.engine import DecodingOptions, NllbTranslator
from hybridir.translate.texts import split_texts, translate_texts


def corpus(count: int, seed: int) -> list[str]:
    towns = make_towns(count // 4 + 1, seed, set())
    sentences = [town.sentence(fact, "en") for town in towns for fact in town.facts]
    return sentences[:count]


def transformers_rate(model_dir: Path, sentences: list[str], batch: int, max_new_tokens: int) -> float:
    """Sentences/s of greedy `generate` in batches of `batch`, float32 on the CPU."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir, src_lang="eng_Latn")
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    forced = tokenizer.convert_tokens_to_ids("deu_Latn")
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(sentences), batch):
            inputs = tokenizer(sentences[start : start + batch], return_tensors="pt", padding=True)
            model.generate(
                **inputs,
                forced_bos_token_id=forced,
                num_beams=1,
                do_sample=False,
                max_new_tokens=max_new_tokens,
                min_new_tokens=max_new_tokens,
            )
    return len(sentences) / (time.perf_counter() - started)


def ctranslate2_rate(translator: NllbTranslator, sentences: list[str], options: DecodingOptions) -> float:
    started = time.perf_counter()
    translator.translate(sentences, "en", "de", options)
    return len(sentences) / (time.perf_counter() - started)


def dedup_seconds(translator: NllbTranslator, passages: list[str], options: DecodingOptions) -> tuple[float, float]:
    """Seconds to translate rows with 30% repeats: the project's path (each unique text and
    sentence once), then every row's sentences as they come (no deduplication)."""
    rows = pd.DataFrame({"text": passages})
    rows["text_id"] = rows["text"].map(text_id)
    unique = rows.drop_duplicates("text_id").assign(lang="en")
    started = time.perf_counter()
    translate_texts(unique, translator, "en", "de", options)
    with_dedup = time.perf_counter() - started
    every_sentence = [s for text in split_texts(rows["text"], "en") for s in text]
    started = time.perf_counter()
    translator.translate(every_sentence, "en", "de", options)
    return with_dedup, time.perf_counter() - started


def repeated_passages(count: int, share: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    towns = make_towns(count, seed + 1, set())
    originals = [town.paragraph("en")[0] for town in towns[: round(count * (1 - share))]]
    repeats = [rng.choice(originals) for _ in range(count - len(originals))]
    passages = originals + repeats
    rng.shuffle(passages)
    return passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=512)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        towns = make_towns(40, 100, set())
        texts = [t.paragraph(lang)[0] for t in towns for lang in LANGUAGES]
        hf_model = build_tiny_nllb(texts, Path(scratch) / "hf")
        ct2_model = convert_model(str(hf_model), Path(scratch) / "ct2", "int8")
        translator = NllbTranslator(str(ct2_model), device="cpu", compute_type="int8", threads=args.threads)
        sentences = corpus(args.sentences, seed=7)
        longest = max(len(t) for t in translator.tokenize(sentences, "en"))
        options = DecodingOptions(
            beam_size=1, max_batch_tokens=args.batch * longest, max_output_tokens=args.max_new_tokens
        )
        ct2 = ctranslate2_rate(translator, sentences, options)
        hf = transformers_rate(hf_model, sentences, args.batch, args.max_new_tokens)
        print(f"model: tiny NLLB-architecture M2M100 (random weights), {len(sentences)} sentences, greedy")
        print(f"batch: {args.batch} sentences ({options.max_batch_tokens} padded tokens), threads: {args.threads}")
        print(f"transformers generate (float32): {hf:9.1f} sentences/s")
        print(f"hybridir CTranslate2 (int8):     {ct2:9.1f} sentences/s")
        print(f"speed-up CTranslate2 / transformers: {ct2 / hf:.1f}x")
        passages = repeated_passages(400, 0.3, seed=11)
        with_dedup, without = dedup_seconds(translator, passages, options)
        print(f"{len(passages)} passages, 30% repeated: {with_dedup:.2f}s deduplicated, {without:.2f}s without")
        print(f"speed-up from deduplication: {without / with_dedup:.2f}x")


if __name__ == "__main__":
    main()
