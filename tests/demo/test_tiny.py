"""The tiny models of the demo and the tests are the same on every run (a fresh process each time,
so that hash-order effects would show)."""

import filecmp
import os
import subprocess
import sys
from pathlib import Path

from hybridir.demo.tiny import build_tiny_encoder, wordpiece_vocabulary

BUILD = (
    "import sys; from hybridir.demo.data import demo_texts; from hybridir.demo.tiny import build_tiny_encoder; "
    "build_tiny_encoder(demo_texts(7), sys.argv[1], seed=7)"
)


def test_the_tiny_encoder_is_the_same_in_two_processes(tmp_path: Path) -> None:
    for name, hash_seed in (("one", "1"), ("two", "2")):
        subprocess.run(
            [sys.executable, "-c", BUILD, str(tmp_path / name)],
            check=True,
            env=os.environ | {"PYTHONHASHSEED": hash_seed},
        )
    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert comparison.left_only == comparison.right_only == []
    assert comparison.diff_files == [], comparison.diff_files


def test_the_wordpiece_vocabulary_covers_every_character_and_keeps_frequent_words(tmp_path: Path) -> None:
    vocabulary = wordpiece_vocabulary(["the town of Ávila", "the town", "a town"], vocab_size=40)
    assert list(vocabulary)[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert {"Á", "##Á", "v", "##v"} <= vocabulary.keys()
    # 'town' (3 times) before 'the' (2), then 'of' and 'Ávila' (once each, in code-point order)
    words = [token for token in vocabulary if len(token) > 1 and not token.startswith(("##", "["))]
    assert words == ["town", "the", "of", "Ávila"]
    encoder = build_tiny_encoder(["the town of Ávila"], tmp_path / "encoder")
    assert (encoder / "tokenizer.json").is_file()
