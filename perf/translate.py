"""Translation overhead and scaling, measured side by side in one run on this machine's CPU.

Model: the tiny NLLB-architecture model the tests build (hybridir.demo.tiny: random weights), converted
to CTranslate2 int8. Texts: synthetic town paragraphs (hybridir.demo.data), 4-6 sentences each.

1. Overhead: the stage's `translate_texts` (split, dedup, tokenise, translate, detokenise,
   reassemble) against raw `ctranslate2.Translator.translate_batch` on the same unique sentences,
   tokenised beforehand (untimed), in the same length-sorted token batches with the same decoding
   settings and output limits, one synchronous call per batch. Medians of --repeats alternated runs.
2. Deduplication: texts whose sentences are 30% repeats against as many sentences all distinct
   (same length distribution); the time ratio, ideally 0.70, goal <= 0.75.
3. Scaling: the stage's time on 1/4, 1/2 and all of the texts; the exponent of time against the
   number of unique sentences (least squares on logs; 1 is linear, goal within 10%).
Times are wall-clock; CPU time (all threads of the process) is printed beside them, as it is
steadier where other processes share the cores. The last line is
`overhead translate <stage time / raw time>` in wall-clock time (goal <= 1.20).

Run: .venv/bin/python perf/translate.py [--passages 400] [--repeats 3] [--threads 1] [--beam 4]
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from hybridir.demo.data import LANGUAGES, make_towns
from hybridir.demo.tiny import build_tiny_nllb
from hybridir.languages import nllb_code
from hybridir.text import text_id
from hybridir.translate.convert import convert_model
from hybridir.translate.engine import DecodingOptions, NllbTranslator, token_batches
from hybridir.translate.translation import split_texts, translate_texts

SOURCE, TARGET = "en", "de"
SENTENCES_PER_TEXT = 5


def texts_table(texts: list[str]) -> pd.DataFrame:
    """A `texts` table (unique by content id, as the stage gets it)."""
    table = pd.DataFrame({"text_id": [text_id(t) for t in texts], "lang": SOURCE, "text": texts})
    return table.drop_duplicates("text_id", ignore_index=True)


def seconds(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds."""
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def raw_translate(translator: NllbTranslator, tokens: list[list[str]], options: DecodingOptions) -> None:
    """translate_batch alone on pre-tokenised sentences: the stage's batches, limits and settings."""
    lengths = np.array([len(t) for t in tokens])
    limits = options.output_limits(lengths)
    prefix = [nllb_code(TARGET)]
    for batch in token_batches(lengths, options.max_batch_tokens):
        translator.translator.translate_batch(
            [tokens[i] for i in batch],
            target_prefix=[prefix] * len(batch),
            beam_size=options.beam_size,
            repetition_penalty=options.repetition_penalty,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            max_decoding_length=int(limits[batch].max()) + 1,
            max_input_length=0,
        )


def stage(translator: NllbTranslator, texts: pd.DataFrame, options: DecodingOptions) -> Callable[[], object]:
    return lambda: translate_texts(texts, translator, SOURCE, TARGET, options)


def unique_sentences(texts: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(s for text in split_texts(texts["text"], SOURCE) for s in text))


def overhead(translator: NllbTranslator, texts: pd.DataFrame, options: DecodingOptions, repeats: int) -> float:
    """Median stage time over median raw time, runs alternated."""
    tokens = translator.tokenize(unique_sentences(texts), SOURCE)
    stage_times, raw_times = [], []
    for _ in range(repeats):
        stage_times.append(seconds(stage(translator, texts, options)))
        raw_times.append(seconds(lambda: raw_translate(translator, tokens, options)))
    staged, raw = medians(stage_times), medians(raw_times)
    print(
        f"overhead: {len(texts)} texts, {len(tokens)} unique sentences (medians of {repeats} alternated runs): "
        f"stage {staged[0]:.2f} s ({staged[1]:.2f} s CPU), raw translate_batch {raw[0]:.2f} s ({raw[1]:.2f} s CPU); "
        f"CPU-time ratio {staged[1] / raw[1]:.2f}"
    )
    return staged[0] / raw[0]


def chunks(sentences: list[str]) -> list[str]:
    """Texts of SENTENCES_PER_TEXT consecutive sentences."""
    return [" ".join(sentences[i : i + SENTENCES_PER_TEXT]) for i in range(0, len(sentences), SENTENCES_PER_TEXT)]


def dedup_ratio(
    translator: NllbTranslator, pool: list[str], options: DecodingOptions, repeats: int, seed: int
) -> float:
    """Time on texts whose sentences are 30% repeats over time on as many distinct sentences."""
    rng = random.Random(seed)
    originals = pool[: round(len(pool) * 0.7)]
    repeated = originals + [rng.choice(originals) for _ in range(len(pool) - len(originals))]
    rng.shuffle(repeated)
    distinct, duplicated = texts_table(chunks(pool)), texts_table(chunks(repeated))
    times: dict[str, list[tuple[float, float]]] = {"distinct": [], "duplicated": []}
    for _ in range(repeats):
        times["distinct"].append(seconds(stage(translator, distinct, options)))
        times["duplicated"].append(seconds(stage(translator, duplicated, options)))
    (with_repeats, with_cpu), (without, without_cpu) = medians(times["duplicated"]), medians(times["distinct"])
    print(
        f"dedup: {len(pool)} sentences with 30% repeats ({len(unique_sentences(duplicated))} unique) "
        f"{with_repeats:.2f} s, all distinct {without:.2f} s: ratio {with_repeats / without:.2f} "
        f"(CPU time {with_cpu / without_cpu:.2f}; goal <= 0.75)"
    )
    return with_repeats / without


def scaling_exponent(translator: NllbTranslator, texts: pd.DataFrame, options: DecodingOptions, repeats: int) -> float:
    """Least-squares slope of log time against log unique sentences over 1/4, 1/2 and all texts."""
    sizes, times = [], []
    for share in (4, 2, 1):
        subset = texts.iloc[: len(texts) // share]
        sizes.append(len(unique_sentences(subset)))
        times.append(medians([seconds(stage(translator, subset, options)) for _ in range(repeats)]))
    exponent, cpu_exponent = (float(np.polyfit(np.log(sizes), np.log([t[k] for t in times]), 1)[0]) for k in (0, 1))
    listed = " / ".join(f"{n}: {t[0]:.2f} s" for n, t in zip(sizes, times, strict=True))
    print(f"scaling: unique sentences {listed}; exponent {exponent:.2f} (CPU time {cpu_exponent:.2f}; goal 0.90-1.10)")
    return exponent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--beam", type=int, default=4)
    args = parser.parse_args()
    options = DecodingOptions(beam_size=args.beam)
    with tempfile.TemporaryDirectory() as scratch:
        vocabulary_texts = [t.paragraph(lang)[0] for t in make_towns(40, 100, set()) for lang in LANGUAGES]
        hf_model = build_tiny_nllb(vocabulary_texts, Path(scratch) / "hf")
        ct2_model = convert_model(str(hf_model), Path(scratch) / "ct2", "int8")
        translator = NllbTranslator(str(ct2_model), device="cpu", compute_type="int8", threads=args.threads)
        towns = make_towns(args.passages, 7, set())
        texts = texts_table([town.paragraph(SOURCE)[0] for town in towns])
        print(
            f"model: tiny NLLB-architecture M2M100 (random weights), CTranslate2 int8 on CPU, {args.threads} "
            f"thread(s); beam {options.beam_size}, {options.max_batch_tokens} tokens per batch, output limit "
            f"{options.max_output_factor:g} x source tokens (at most {options.max_output_tokens})"
        )
        ratio = overhead(translator, texts, options, args.repeats)
        pool = unique_sentences(texts)
        random.Random(3).shuffle(pool)
        dedup_ratio(translator, pool, options, args.repeats, seed=5)
        scaling_exponent(translator, texts, options, args.repeats)
        print(f"overhead translate {ratio:.2f}")


if __name__ == "__main__":
    main()
