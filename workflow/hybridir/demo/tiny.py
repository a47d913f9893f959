"""Tiny models built in seconds, for the offline demo and the tests.

`build_tiny_nllb` makes an NLLB-architecture (M2M100) model with a SentencePiece BPE vocabulary
trained on the given texts plus NLLB's language-code tokens, saved like a Hub checkpoint, with
random weights; `train_tiny_translator` teaches it a little translation from parallel pairs.
"""

import random
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import sentencepiece
import torch
from tokenizers import BertWordPieceTokenizer
from tokenizers.models import BPE
from tokenizers.pre_tokenizers import BertPreTokenizer
from transformers import (
    AutoTokenizer,
    BertConfig,
    BertModel,
    BertTokenizerFast,
    M2M100Config,
    M2M100ForConditionalGeneration,
    NllbTokenizer,
)
from transformers.convert_slow_tokenizer import SentencePieceExtractor

from hybridir.languages import nllb_code


def train_sentencepiece(texts: Iterable[str], folder: Path, vocab_size: int) -> Path:
    """Train a BPE SentencePiece model with NLLB's special-token ids (<s> 0, <pad> 1, </s> 2, <unk> 3)."""
    corpus = folder / "spm_corpus.txt"
    corpus.write_text("\n".join(texts), encoding="utf-8")
    prefix = folder / "sentencepiece.bpe"
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="bpe",
        character_coverage=1.0,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return folder / "sentencepiece.bpe.model"


def nllb_tokenizer(spm_model: Path) -> NllbTokenizer:
    """An NLLB tokenizer over a SentencePiece BPE model, with the 202 NLLB language codes."""
    extracted = SentencePieceExtractor(str(spm_model)).extract(BPE)
    return NllbTokenizer(
        vocab=extracted["vocab"],
        merges=extracted["merges"],
        _spm_precompiled_charsmap=extracted["_spm_precompiled_charsmap"],
    )


def build_tiny_nllb(texts: Iterable[str], output: str | Path, vocab_size: int = 400, seed: int = 0) -> Path:
    """Save a random 1-layer M2M100 model and its NLLB tokenizer to `output`."""
    output = Path(output)
    with tempfile.TemporaryDirectory() as scratch:
        tokenizer = nllb_tokenizer(train_sentencepiece(texts, Path(scratch), vocab_size))
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        scale_embedding=True,
    )
    random.seed(seed)
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config)
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)
    return output


Pair = tuple[str, str, str, str]  # source text, source language, target text, target language


def _labels(tokenizer, pairs: Sequence[Pair]) -> torch.Tensor:
    """Target token ids (language code first), padded with -100."""
    ids = []
    for _, _, target, lang in pairs:
        tokenizer.src_lang = nllb_code(lang)
        ids.append(tokenizer(target).input_ids)
    longest = max(map(len, ids))
    return torch.tensor([row + [-100] * (longest - len(row)) for row in ids])


def train_tiny_translator(
    model_dir: str | Path, pairs: Sequence[Pair], steps: int = 600, batch_size: int = 32, seed: int = 0
) -> list[float]:
    """Train a saved tiny NLLB model on pairs from one source language, in place; the losses."""
    (source,) = {lang for _, lang, _, _ in pairs}
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = M2M100ForConditionalGeneration.from_pretrained(model_dir)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    model.train()
    losses = []
    for _ in range(steps):
        batch = rng.sample(list(pairs), min(batch_size, len(pairs)))
        tokenizer.src_lang = nllb_code(source)
        inputs = tokenizer([p[0] for p in batch], return_tensors="pt", padding=True)
        loss = model(**inputs, labels=_labels(tokenizer, batch)).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    model.save_pretrained(model_dir)
    return losses


SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
SPECIAL_TOKEN_ROLES = ("pad_token", "unk_token", "cls_token", "sep_token", "mask_token")


def wordpiece_vocabulary(texts: Iterable[str], vocab_size: int) -> dict[str, int]:
    """A WordPiece vocabulary that is the same on every run (a trained one is not: the trainer breaks
    frequency ties by hash order): special tokens, every character alone and as a continuation, then
    the most frequent words, ties in alphabetical order."""
    words = Counter(word for text in texts for word, _ in BertPreTokenizer().pre_tokenize_str(text))
    characters = sorted({character for word in words for character in word})
    tokens = [*SPECIAL_TOKENS, *characters, *(f"##{c}" for c in characters)]
    frequent = sorted((word for word in words if len(word) > 1), key=lambda word: (-words[word], word))
    tokens += frequent[: max(vocab_size - len(tokens), 0)]
    return {token: index for index, token in enumerate(tokens)}


def build_tiny_encoder(
    texts: Iterable[str], output: str | Path, vocab_size: int = 600, seed: int = 0, dropout: float = 0.1
) -> Path:
    """Save a random 2-layer BERT encoder with a WordPiece vocabulary built from `texts`."""
    output = Path(output)
    wordpiece = BertWordPieceTokenizer(wordpiece_vocabulary(texts, vocab_size), lowercase=False)
    tokenizer = BertTokenizerFast(tokenizer_object=wordpiece._tokenizer, model_max_length=128)
    tokenizer.add_special_tokens(dict(zip(SPECIAL_TOKEN_ROLES, SPECIAL_TOKENS, strict=True)))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
        hidden_dropout_prob=dropout,
        attention_probs_dropout_prob=dropout,
    )
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(output)
    tokenizer.save_pretrained(output)
    return output
