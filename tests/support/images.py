"""Checks that a figure file is a valid, non-empty image."""

from pathlib import Path

from PIL import Image

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_valid_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC), f"{path} is not a PNG"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        width, height = image.size
        assert width > 300 and height > 150
        # not blank: more than a handful of distinct colours
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 10


def assert_valid_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:] and len(data) > 1000
    assert b"CreationDate" not in data  # no timestamp: same figure, same bytes
