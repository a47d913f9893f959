"""Translate sentences with CTranslate2: length-sorted token batches, explicit limits, flags.

NLLB's known failure modes never pass silently: an input over `max_input_tokens` is cut and
flagged `truncated_input`; an output that reaches its length limit is cut there and flagged
`truncated_output`; an empty output is flagged `empty`; a looping output is flagged `repetition`.

A sentence's output limit is `max_output_factor` times its source tokens (NLLB's language code and
</s> included), at most `max_output_tokens`. A batch decodes up to the limit of its longest
sentence and each output is then cut at its own limit, so (with greedy search) a sentence's
output does not depend on the batch it was decoded in.

Sentences go through in windows: a window is tokenised, sorted by length, cut into batches of at
most `max_batch_tokens` padded tokens and queued on CTranslate2 without waiting; the previous
window's outputs are detokenised while it decodes. The work around the engine (token ids,
repetition check, detokenising) runs per batch in numpy and in the Rust tokenizer.
"""

import bisect
import operator
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import chain
from typing import Any

import ctranslate2
import numpy as np
from tqdm import tqdm
from transformers import AutoTokenizer

from hybridir.devices import DeviceError, resolve_device, runtime_info
from hybridir.errors import ConfigError
from hybridir.languages import nllb_code
from hybridir.translate.cublas import load_cublas

FLAGS = ("truncated_input", "truncated_output", "repetition", "empty")
TRUNCATED_INPUT, TRUNCATED_OUTPUT, REPETITION, EMPTY = (1 << bit for bit in range(len(FLAGS)))
WINDOW = 1024  # sentences tokenised and length-sorted together


@dataclass(frozen=True)
class DecodingOptions:
    """How to decode; defaults documented in the config schema (translation.*)."""

    beam_size: int = 4
    max_batch_tokens: int = 4096
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_input_tokens: int = 1024
    max_output_tokens: int = 256
    max_output_factor: float | None = 3.0

    @classmethod
    def from_config(cls, translation: Mapping[str, Any]) -> "DecodingOptions":
        """The options found in config.yaml's `translation` section."""
        return cls(**{f.name: translation[f.name] for f in fields(cls) if f.name in translation})

    def output_limits(self, source_lengths: np.ndarray) -> np.ndarray:
        """Each sentence's output limit in tokens, from its source length in tokens."""
        limits = np.full(len(source_lengths), self.max_output_tokens, dtype=np.int64)
        if self.max_output_factor is None:
            return limits
        return np.minimum(limits, np.ceil(self.max_output_factor * source_lengths).astype(np.int64))


DEFAULT_DECODING = DecodingOptions()


@dataclass(frozen=True)
class Translations:
    """Translated sentences in input order, each with a bitmask of FLAGS."""

    texts: list[str]
    flags: np.ndarray


@dataclass(frozen=True)
class Job:
    """One batch queued on CTranslate2: its sentences' positions, pending results and output limits."""

    indices: np.ndarray
    results: list
    limits: np.ndarray


def flag_names(mask: int) -> list[str]:
    """The sorted names of the FLAGS set in a bitmask."""
    return sorted(name for bit, name in enumerate(FLAGS) if mask >> bit & 1)


def resolve_compute_type(compute_type: str, device: str) -> str:
    """'auto' becomes int8_float16 on CUDA and int8 on CPU."""
    if compute_type != "auto":
        return compute_type
    return "int8_float16" if device == "cuda" else "int8"


def ctranslate2_cuda(
    device_count: Callable[[], int] = ctranslate2.get_cuda_device_count,
    load: Callable[[], tuple[bool, str]] = load_cublas,
) -> tuple[bool, str]:
    """Whether CTranslate2 sees a CUDA device, and what it saw; with a device it loads cuBLAS first.

    A device that CTranslate2 sees but cannot use for want of cuBLAS is an error even under 'auto'.
    """
    count = device_count()
    if count == 0:
        return False, f"CTranslate2 {ctranslate2.__version__} sees no CUDA device"
    loaded, seen = load()
    if not loaded:
        raise DeviceError(f"CTranslate2 {ctranslate2.__version__} sees {count} CUDA device(s) but {seen}")
    return True, f"CTranslate2 sees {count} CUDA device(s); {seen}"


def repetitions(sequences: Sequence[Sequence[int]], max_ngram: int = 4, min_repeats: int = 4) -> np.ndarray:
    """For each sequence, whether some n-gram (n <= max_ngram) occurs `min_repeats` times in a row.

    An n-gram repeats k times in a row from position s exactly when x[i] == x[i + n] for the
    (k - 1) * n positions i from s on: a window of that many equalities, counted with cumsum.
    """
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    width = int(lengths.max(initial=0))
    padded = np.tile(-1 - np.arange(width, dtype=np.int64), (len(sequences), 1))  # padding never matches
    padded[np.arange(width) < lengths[:, None]] = np.fromiter(
        chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum())
    )
    found = np.zeros(len(sequences), dtype=bool)
    for n in range(1, max_ngram + 1):
        window = (min_repeats - 1) * n
        if width - n < window:
            break
        equal = np.cumsum(padded[:, n:] == padded[:, :-n], axis=1)
        counts = np.concatenate([np.zeros((len(sequences), 1), dtype=equal.dtype), equal], axis=1)
        found |= (counts[:, window:] - counts[:, :-window] == window).any(axis=1)
    return found


def token_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices sorted by length, cut into batches whose padded size stays within the budget."""
    order = np.argsort(np.asarray(lengths, dtype=np.int64), kind="stable")
    ordered = np.asarray(lengths, dtype=np.int64)[order]
    batches, start = [], 0
    while start < len(order):
        # the longest batch from `start` whose last (longest) length times its size fits the budget
        end = bisect.bisect_right(
            range(start + 1, len(order) + 1), max_batch_tokens, key=lambda e: ordered[e - 1] * (e - start)
        )
        end = start + max(end, 1)
        batches.append(order[start:end].tolist())
        start = end
    return batches


class NllbTranslator:
    """A CTranslate2 NLLB model with its tokenizer; translates lists of sentences.

    `device` is a setting (auto, cuda, cpu) resolved here, under the config key `key`.
    """

    def __init__(
        self,
        model_dir: str,
        device: str = "auto",
        compute_type: str = "auto",
        threads: int = 1,
        requested_gpus: int = 0,
        key: str = "translation.device",
    ):
        self.device = resolve_device(device, key, ctranslate2_cuda, requested_gpus)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        try:
            self.translator = ctranslate2.Translator(
                model_dir,
                device=self.device,
                compute_type=self.compute_type,
                intra_threads=threads,
                max_queued_batches=-1,  # queueing a window never blocks; WINDOW bounds the queue
            )
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        except (RuntimeError, OSError, ValueError) as error:
            raise ConfigError(
                f"{model_dir}: not a CTranslate2 NLLB model with its tokenizer (made from config key "
                f"translation.model): {error}"
            ) from error
        self.runtime = runtime_info(self.device, self.compute_type)
        self.vocabulary = self.tokenizer.get_vocab()
        self.sentences_per_second = 0.0

    @classmethod
    def from_config(
        cls, model_dir: str, translation: Mapping[str, Any], device: str, threads: int, requested_gpus: int = 0
    ) -> "NllbTranslator":
        """A translator with `translation.compute_type` on the stage's device setting (`stage_device`)."""
        return cls(model_dir, device, translation["compute_type"], threads, requested_gpus)

    def tokenize(self, sentences: Sequence[str], lang: str) -> list[list[str]]:
        """NLLB source tokens: language code, pieces, </s>."""
        self.tokenizer.src_lang = nllb_code(lang)
        if not sentences:
            return []
        return [encoding.tokens for encoding in self.tokenizer(list(sentences)).encodings]

    def detokenize(self, outputs: Sequence[Sequence[int]]) -> list[str]:
        """Texts of output token ids, special tokens skipped, in one call to the Rust tokenizer."""
        decoded = self.tokenizer.backend_tokenizer.decode_batch(outputs, skip_special_tokens=True)
        return [text.strip() for text in decoded]

    def translate(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        options: DecodingOptions = DEFAULT_DECODING,
        progress: Callable[[int], None] | None = None,
    ) -> Translations:
        """Translate `sentences` from `source` to `target` (ISO codes), in input order."""
        prefix = [nllb_code(target)]
        texts = np.full(len(sentences), "", dtype=object)
        flags = np.zeros(len(sentences), dtype=np.uint8)
        started = time.perf_counter()
        in_flight: list[Job] = []
        for start in range(0, len(sentences), WINDOW):
            window = np.arange(start, min(start + WINDOW, len(sentences)))
            submitted = self._submit_window(sentences, window, source, prefix, options, flags)
            self._finish(in_flight, texts, flags, progress)
            in_flight = submitted
        self._finish(in_flight, texts, flags, progress)
        elapsed = time.perf_counter() - started
        self.sentences_per_second = len(sentences) / elapsed if elapsed > 0 else 0.0
        return Translations(texts.tolist(), flags)

    def _submit_window(
        self,
        sentences: Sequence[str],
        window: np.ndarray,
        source: str,
        prefix: list[str],
        options: DecodingOptions,
        flags: np.ndarray,
    ) -> list[Job]:
        """Tokenise a window of sentences (cutting, and flagging, inputs over the limit) and queue its
        length-sorted batches on CTranslate2 without waiting for them."""
        tokens = self.tokenize(sentences[window[0] : window[-1] + 1], source)
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        over = np.flatnonzero(lengths > options.max_input_tokens)
        flags[window[over]] |= TRUNCATED_INPUT
        for index in over:
            tokens[index] = tokens[index][: options.max_input_tokens - 1] + tokens[index][-1:]
        lengths = np.minimum(lengths, options.max_input_tokens)
        limits = options.output_limits(lengths)
        jobs = []
        for batch in token_batches(lengths, options.max_batch_tokens):
            results = self.translator.translate_batch(
                [tokens[i] for i in batch],
                target_prefix=[prefix] * len(batch),
                asynchronous=True,
                beam_size=options.beam_size,
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                max_decoding_length=int(limits[batch].max()) + 1,  # + 1: the language code
                max_input_length=0,
            )
            jobs.append(Job(window[batch], results, limits[batch]))
        return jobs

    def _finish(
        self, jobs: Sequence[Job], texts: np.ndarray, flags: np.ndarray, progress: Callable[[int], None] | None
    ) -> None:
        """Wait for each job in turn; store its texts and flags at its sentences' positions."""
        for job in jobs:
            outputs, job_flags = self._outputs(job)
            decoded = self.detokenize(outputs)
            job_flags[np.fromiter(map(operator.not_, decoded), dtype=bool, count=len(decoded))] |= EMPTY
            texts[job.indices] = decoded
            flags[job.indices] |= job_flags
            if progress:
                progress(len(job.indices))

    def _outputs(self, job: Job) -> tuple[list[list[int]], np.ndarray]:
        """A batch's output token ids (language code dropped, each cut at its own limit) and flags."""
        ids = self.vocabulary.__getitem__
        outputs = [list(map(ids, result.result().hypotheses[0][1:])) for result in job.results]
        lengths = np.fromiter(map(len, outputs), dtype=np.int64, count=len(outputs))
        flags = np.where(lengths >= job.limits, TRUNCATED_OUTPUT, 0).astype(np.uint8)
        for index in np.flatnonzero(lengths > job.limits):
            outputs[index] = outputs[index][: job.limits[index]]
        flags[repetitions(outputs)] |= REPETITION
        return outputs, flags


def progress_bar(total: int, desc: str) -> tqdm:
    """A tqdm bar counting sentences, showing sentences/s."""
    return tqdm(total=total, desc=desc, unit=" sent", unit_scale=True, smoothing=0.1)
