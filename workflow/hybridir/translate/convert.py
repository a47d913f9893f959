"""Convert a Hub or local NLLB / M2M100 checkpoint to CTranslate2, once per model."""

from pathlib import Path

import ctranslate2
from transformers import AutoTokenizer

from hybridir.atomic import atomic_write
from hybridir.errors import ConfigError

QUANTIZATIONS = ("int8", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")


def convert_model(model: str, output: str | Path, quantization: str = "int8") -> Path:
    """Write the CTranslate2 model and its tokenizer to `output`, atomically (temp dir, rename)."""
    output = Path(output)
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization {quantization!r} is not one of {', '.join(QUANTIZATIONS)}")
    with atomic_write(output, directory=True) as partial:
        try:
            converter = ctranslate2.converters.TransformersConverter(model, low_cpu_mem_usage=True)
            converter.convert(str(partial), quantization=quantization, force=True)
            AutoTokenizer.from_pretrained(model).save_pretrained(partial)
        except (OSError, ValueError) as error:
            raise ConfigError(
                f"config key translation.model: cannot convert {model!r} (a Hub id or a local NLLB / M2M100 "
                f"checkpoint): {error}"
            ) from error
    return output
