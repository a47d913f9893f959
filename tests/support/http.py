"""Files served over HTTP on the loopback interface (the `http_files` fixture's handler)."""

import http.server
import io
import re
from pathlib import Path


class FileHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the files of `directory`, with byte ranges (as fsspec reads zip members) and a
    `/truncated/` prefix whose responses announce the whole file but stop halfway."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        truncated = self.path.startswith("/truncated/")
        if truncated:
            self.path = self.path.removeprefix("/truncated")
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        data = path.read_bytes()
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
