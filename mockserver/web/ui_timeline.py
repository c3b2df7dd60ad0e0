"""``/messages/<tracking id>`` and ``/runs/<run id>``: the drawn timeline of a message or run.

Each postback is a lane on a time axis: when it was scheduled, when each attempt was planned
and when it started, with its status and latency; a click opens the request and response.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from mockserver.web.api import ApiError, platform
from mockserver.web.export import pytest_source
from mockserver.web.svg import layout
from mockserver.web.ui import install, page

bp = install(Blueprint("ui_timeline", __name__))


def _link(postback_id: int, attempt: int | None) -> str:
    anchor = f"#attempt-{attempt}" if attempt is not None else ""
    return url_for("ui_log.detail", postback_id=postback_id) + anchor


def _call_link(call_id: int) -> str:
    return url_for("ui_calls.call", call_id=call_id)


def _draw(
    rows: list[dict[str, Any]], calls: list[dict[str, Any]], title: str, **context: Any
) -> Response:
    p = platform()
    calls = sorted(calls, key=lambda c: c["id"])
    drawing = layout(rows, p.now(), _link, calls, _call_link)
    return page("timeline.html", rows=rows, calls=calls, drawing=drawing, title=title, **context)


@bp.get("/messages/<path:tracking_id>")
def message(tracking_id: str) -> Response:
    p = platform()
    rows = p.browse.message(tracking_id)
    calls = p.api.call_log(50, tracking_id=tracking_id)
    if not rows and not calls:
        raise ApiError(404, "not_found", f"no postback with tracking id {tracking_id!r}")
    return _draw(rows, calls, tracking_id, tracking_id=tracking_id, run=None)


@bp.get("/runs/<run_id>")
def run(run_id: str) -> Response:
    p = platform()
    found = p.run(run_id)
    if found is None:
        raise ApiError(404, "not_found", f"no run {run_id!r}", "run_id")
    calls = p.api.call_log(50, run_id=run_id)
    rows = p.browse.run(run_id)
    return _draw(rows, calls, found["scenario"], run=found, tracking_id=None,
                 export=pytest_source(found, rows))  # fmt: skip
