"""``/``: a plain status page until the browser UI exists (its own issue)."""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response

from mockserver import __version__
from mockserver.web.api import platform

bp = Blueprint("status", __name__)


@bp.get("/")
def index() -> Response:
    p = platform()
    s = p.settings
    rows = [
        ("version", __version__),
        ("clock", f"{s.clock} (time scale {s.time_scale})"),
        ("postback URL", s.postback_url or "not set"),
        ("MO postback URL", s.mo_postback_url or "falls back to the postback URL"),
        ("flavour", s.flavor),
        ("control API", "/mock/api/v1 (OpenAPI: /mock/api/v1/openapi.json)"),
        ("events", "/mock/api/v1/events"),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>mockserver</title></head>"
        f"<body><h1>mockserver</h1><p>The browser UI is not built yet.</p><table>{cells}</table>"
        "</body></html>"
    )
    return Response(page, mimetype="text/html")
