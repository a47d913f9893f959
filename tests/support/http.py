"""Files served over HTTP on the loopback interface (the `http_files` fixture's handler), with
path prefixes that make the server misbehave on purpose:
- `/truncated/<file>`: announces the whole file (Content-Length) but sends half and closes;
- `/dropped/<file>`: a chunked answer whose connection drops after the first half;
- `/status/<code>/<times>/<file>`: answers HTTP <code> (with `Retry-After: 0` for 429) to the first
  <times> requests of that path, then serves the file;
- `/silent/<file>`: accepts the request and never answers (for SILENT_S seconds)."""

import http.server
import io
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import datasets
import fsspec
from huggingface_hub import constants as hub_constants

from hybridir.network import Network, use_network

SILENT_S = 20.0
# what hybridir.network.use_network sets, besides fsspec's configuration
DATASETS_SETTINGS = [
    "STREAMING_READ_MAX_RETRIES", "STREAMING_OPEN_MAX_RETRIES", "STREAMING_READ_RETRY_INTERVAL",
    "STREAMING_OPEN_RETRY_INTERVAL", "STREAMING_READ_SERVER_UNAVAILABLE_RETRY_INTERVAL",
    "STREAMING_READ_RATE_LIMIT_RETRY_INTERVAL",
]  # fmt: skip
HUB_SETTINGS = ["HF_HUB_DOWNLOAD_TIMEOUT", "HF_HUB_ETAG_TIMEOUT"]
STATUS = re.compile(r"^/status/(\d{3})/(\d+)(/.*)$")


class FileHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of `directory`, with byte ranges (as fsspec reads zip members) and the
    misbehaving prefixes of the module docstring."""

    lock = threading.Lock()  # guards the server's request counts

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        status = STATUS.match(self.path)
        if status:
            with self.lock:
                counts = self.server.__dict__.setdefault("requests", Counter())
                counts[self.path] += 1
                seen = counts[self.path]
            if seen <= int(status[2]):
                return self.refuse(int(status[1]))
            self.path = status[3]
        if self.path.startswith("/silent/"):
            threading.Event().wait(SILENT_S)
            self.close_connection = True
            return None
        cut = next((kind for kind in ("truncated", "dropped") if self.path.startswith(f"/{kind}/")), None)
        if cut:
            self.path = self.path.removeprefix(f"/{cut}")
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        if cut == "dropped":
            return self.dropped(path.read_bytes())
        return self.ranged(path.read_bytes(), truncated=cut == "truncated")

    def refuse(self, code: int) -> None:
        self.send_response(code)
        if code == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def ranged(self, data: bytes, truncated: bool) -> io.BytesIO:
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match:
            start, end = int(match[1]), min(int(match[2] or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            body = data[start : end + 1]
        else:
            self.send_response(200)
            body = data
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncated:
            self.close_connection = True
            return io.BytesIO(body[: len(body) // 2])
        return io.BytesIO(body)

    def dropped(self, data: bytes) -> None:
        """Half of `data` as one chunk of a chunked answer, then the connection closes."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return None
        half = data[: len(data) // 2]
        self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
        self.wfile.flush()
        self.close_connection = True
        return None


@contextmanager
def fast_network(retries: int = 2, backoff: float = 0.01, timeout: float = 0.5) -> Iterator[Network]:
    """hybridir.network's settings, small enough for tests, for the time of the context only."""
    conf = fsspec.config.conf
    saved = [
        (module, name, getattr(module, name))
        for module, names in ((datasets.config, DATASETS_SETTINGS), (hub_constants, HUB_SETTINGS))
        for name in names
    ]
    fsspec.config.conf = {}
    try:
        yield use_network({"retries": retries, "backoff": backoff, "timeout": timeout})
    finally:
        fsspec.config.conf = conf
        for module, name, value in saved:
            setattr(module, name, value)
