"""Files uploaded from the phone page, served at ``/mock/media/uploads/<name>`` so an MMS MO's
content URLs point at them (a receiver downloads them as from the platform's content server).

Kept in ``<data_dir>/uploads`` (in memory for ``:memory:``, at most ``MEMORY_CAP`` bytes). As
every path under ``/mock/media/`` they need no token: receivers fetch them. Only pictures,
audio, video and plain text are served inline; anything else is an attachment, and every
answer carries ``Content-Security-Policy: sandbox`` and ``nosniff``, so an uploaded page or
SVG can never run script in the UI's origin.
"""

from __future__ import annotations

import re
import secrets
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app

from mockserver.web.api import ApiError, platform

bp = Blueprint("uploads", __name__, url_prefix="/mock/media/uploads")
PREFIX = "/mock/media/uploads/"
MEMORY_CAP = 32 * 1024 * 1024
INLINE = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "webp": "image/webp", "mp3": "audio/mpeg", "amr": "audio/amr", "wav": "audio/wav",
    "mp4": "video/mp4", "3gp": "video/3gpp", "txt": "text/plain; charset=utf-8",
}  # fmt: skip
_NAME = re.compile(r"^[0-9a-f]{16}\.([a-z0-9]{1,8})$")
_EXT = re.compile(r"\.([A-Za-z0-9]{1,8})$")


class Uploads:
    def __init__(self, data_dir: str) -> None:
        self.folder = None if data_dir == ":memory:" else Path(data_dir) / "uploads"
        self._memory: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def save(self, filename: str, data: bytes) -> str:
        """Keep the bytes; returns the name they are served under (``<hex>.<ext>``)."""
        match = _EXT.search(filename or "")
        ext = match.group(1).lower() if match else "bin"
        name = f"{secrets.token_hex(8)}.{ext}"
        if self.folder is None:
            with self._lock:
                if sum(map(len, self._memory.values())) + len(data) > MEMORY_CAP:
                    raise ApiError(413, "too_large", "the in-memory upload space is full "
                                   "(32 MiB); restart or use a data_dir", "files")  # fmt: skip
                self._memory[name] = data
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(data)
        return name

    def load(self, name: str) -> bytes | None:
        if _NAME.match(name) is None:
            return None
        if self.folder is None:
            with self._lock:
                return self._memory.get(name)
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None


def uploads() -> Uploads:
    found = current_app.extensions.get("mockserver.uploads")
    if found is None:
        found = current_app.extensions.setdefault(
            "mockserver.uploads", Uploads(platform().settings.data_dir)
        )
    assert isinstance(found, Uploads)
    return found


@bp.get("/<name>")
def serve(name: str) -> Response:
    data = uploads().load(name)
    if data is None:
        raise ApiError(404, "not_found", f"no uploaded file {name!r}", "name")
    ext = name.rsplit(".", 1)[1]
    kind = INLINE.get(ext)
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
               "Cache-Control": "max-age=86400"}  # fmt: skip
    if kind is None:
        kind = "application/octet-stream"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(data, content_type=kind, headers=headers)
