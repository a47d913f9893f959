"""Translate sentences with CTranslate2: length-sorted token batches, explicit truncation, flags.

NLLB's known failure modes never pass silently: an input over `max_input_tokens` is cut and
flagged `truncated_input`; an output that reaches `max_output_tokens` is flagged
`truncated_output`; an empty output is flagged `empty`; a looping output is flagged `repetition`.
"""

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import ctranslate2
from tqdm import tqdm
from transformers import AutoTokenizer

from hybridir.languages import nllb_code

SEPARATORS = {"zh": "", "ja": "", "th": " "}


@dataclass(frozen=True)
class DecodingOptions:
    """How to decode; defaults documented in the config schema (translation.*)."""

    beam_size: int = 4
    max_batch_tokens: int = 4096
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    max_input_tokens: int = 1024
    max_output_tokens: int = 256

    @classmethod
    def from_config(cls, translation: Mapping[str, Any]) -> "DecodingOptions":
        """The options found in config.yaml's `translation` section."""
        return cls(**{f.name: translation[f.name] for f in fields(cls) if f.name in translation})


DEFAULT_DECODING = DecodingOptions()


@dataclass
class Translation:
    """One translated sentence and what went wrong with it."""

    text: str
    flags: set[str] = field(default_factory=set)


def resolve_device(device: str) -> str:
    """'auto' becomes 'cuda' when CTranslate2 sees a GPU, else 'cpu'."""
    if device != "auto":
        return device
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(compute_type: str, device: str) -> str:
    """'auto' becomes int8_float16 on CUDA and int8 on CPU."""
    if compute_type != "auto":
        return compute_type
    return "int8_float16" if device == "cuda" else "int8"


def has_repetition(tokens: Sequence[str], max_ngram: int = 4, min_repeats: int = 4) -> bool:
    """Whether some n-gram (n <= max_ngram) occurs `min_repeats` times in a row: a decoding loop."""
    for n in range(1, max_ngram + 1):
        for start in range(len(tokens) - n * min_repeats + 1):
            gram = tokens[start : start + n]
            if all(tokens[start + k * n : start + (k + 1) * n] == gram for k in range(1, min_repeats)):
                return True
    return False


def token_batches(lengths: Sequence[int], max_batch_tokens: int) -> list[list[int]]:
    """Indices sorted by length, cut into batches whose padded size stays within the budget."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current and lengths[index] * (len(current) + 1) > max_batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class NllbTranslator:
    """A CTranslate2 NLLB model with its tokenizer; translates lists of sentences."""

    def __init__(self, model_dir: str, device: str = "auto", compute_type: str = "auto", threads: int = 1):
        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        self.translator = ctranslate2.Translator(
            model_dir, device=self.device, compute_type=self.compute_type, intra_threads=threads
        )
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.sentences_per_second = 0.0

    @classmethod
    def from_config(cls, model_dir: str, translation: Mapping[str, Any], threads: int) -> "NllbTranslator":
        """A translator with config.yaml's `translation.device` and `translation.compute_type`."""
        return cls(model_dir, translation["device"] or "auto", translation["compute_type"], threads)

    def tokenize(self, sentences: Sequence[str], lang: str) -> list[list[str]]:
        """NLLB source tokens: language code, pieces, </s>."""
        self.tokenizer.src_lang = nllb_code(lang)
        if not sentences:
            return []
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in self.tokenizer(list(sentences)).input_ids]

    def detokenize(self, tokens: Sequence[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
        return self.tokenizer.decode(ids, skip_special_tokens=True).strip()

    def translate(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        options: DecodingOptions = DEFAULT_DECODING,
        progress: Callable[[int], None] | None = None,
    ) -> list[Translation]:
        """Translate `sentences` from `source` to `target` (ISO codes), in input order."""
        target_code = nllb_code(target)
        tokens = self.tokenize(sentences, source)
        results: list[Translation | None] = [None] * len(sentences)
        started = time.perf_counter()
        for batch in token_batches([len(t) for t in tokens], options.max_batch_tokens):
            inputs = [self._cut(tokens[i], options.max_input_tokens) for i in batch]
            outputs = self.translator.translate_batch(
                [cut for cut, _ in inputs],
                target_prefix=[[target_code]] * len(batch),
                beam_size=options.beam_size,
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                max_decoding_length=options.max_output_tokens + 1,
                max_input_length=0,
            )
            for index, (_, cut_flags), output in zip(batch, inputs, outputs, strict=True):
                results[index] = self._translation(output.hypotheses[0][1:], cut_flags, options)
            if progress:
                progress(len(batch))
        elapsed = time.perf_counter() - started
        self.sentences_per_second = len(sentences) / elapsed if elapsed > 0 else 0.0
        return [r for r in results if r is not None]

    @staticmethod
    def _cut(tokens: list[str], max_input_tokens: int) -> tuple[list[str], set[str]]:
        """Cut a source over the limit explicitly (keeping </s>), with a flag."""
        if len(tokens) <= max_input_tokens:
            return tokens, set()
        return tokens[: max_input_tokens - 1] + tokens[-1:], {"truncated_input"}

    def _translation(self, output: list[str], flags: set[str], options: DecodingOptions) -> Translation:
        flags = set(flags)
        if len(output) >= options.max_output_tokens:
            flags.add("truncated_output")
        if has_repetition(output):
            flags.add("repetition")
        text = self.detokenize(output)
        if not text:
            flags.add("empty")
        return Translation(text, flags)


def progress_bar(total: int, desc: str) -> tqdm:
    """A tqdm bar counting sentences, showing sentences/s."""
    return tqdm(total=total, desc=desc, unit=" sent", unit_scale=True, smoothing=0.1)
