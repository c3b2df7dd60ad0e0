"""``/mock/media/<id>.<ext>``: the content files that MO postbacks point at.

The real platform serves the sender's pictures, audio and video; the simulator serves a small
placeholder of the right type for any id, so a receiver that downloads FILE URLs gets a real
response (and the bytes are the same for the same name).
"""

from __future__ import annotations

import base64
import re
from html import escape

from flask import Blueprint, Response

from mockserver.web.api import ApiError

bp = Blueprint("media", __name__, url_prefix="/mock/media")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.([a-z0-9]{1,5})$")
#: A 1x1 GIF: the smallest valid picture.
_GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "png": "image/png",
    "txt": "text/plain", "smil": "application/smil+xml", "mp3": "audio/mpeg",
    "amr": "audio/amr", "mp4": "video/mp4", "3gp": "video/3gpp",
}  # fmt: skip


def placeholder(name: str, ext: str) -> tuple[bytes, str]:
    kind = TYPES[ext]
    if ext == "txt":
        return f"Text part {name} of a simulated MMS MO.\n".encode(), kind + "; charset=utf-8"
    if ext == "smil":
        smil = (
            "<smil><head><layout><root-layout/></layout></head><body><par dur='5s'>"
            f"<img src='{escape(name)}.jpg'/><text src='{escape(name)}.txt'/></par></body></smil>"
        )
        return smil.encode(), kind
    if kind.startswith("image/"):
        return _GIF, "image/gif"
    return b"\x00" * 64, kind


@bp.get("/<name>")
def media(name: str) -> Response:
    match = _NAME.match(name)
    if match is None or match.group(1) not in TYPES:
        known = ", ".join(TYPES)
        raise ApiError(
            404, "not_found", f"no media {name!r}; names are <id>.<ext> with ext in {known}"
        )
    body, kind = placeholder(name.rsplit(".", 1)[0], match.group(1))
    return Response(body, content_type=kind, headers={"Cache-Control": "max-age=86400"})
