"""``/log``: the delivery log: filters (code, origin, state, tracking id, text), keyset pages,
each postback's body pretty printed with every attempt, replay of one or many."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from mockserver.engine.browse import FILTERS, STATES
from mockserver.web.api import ApiError, platform, query_int
from mockserver.web.ui import bad_request, form_error, install, is_refusal, page, query_id
from mockserver.wire.catalog import CODES
from mockserver.wire.model import ORIGINS

bp = install(Blueprint("ui_log", __name__))
PAGE = 50


def _filters() -> dict[str, str]:
    found = {name: request.args.get(name, "").strip()[:200] for name in FILTERS}
    if found["state"] and found["state"] not in STATES:
        raise bad_request(f"state is one of {', '.join(STATES)}", "state")
    return found


def _log(status: int = 200, error: ApiError | None = None) -> Response:
    p = platform()
    filters = _filters()
    search = request.args.get("q", "").strip()[:200] or None
    limit = query_int("limit", PAGE, 1, 500)
    found = p.browse.page(filters, search, before=query_id("before"), after=query_id("after"),
                          limit=limit)  # fmt: skip
    return page("log.html", status, page_=found, filters=filters, search=search or "",
                states=STATES, origins=ORIGINS, codes=sorted(CODES), error=error,
                live=not request.args.get("before") and not request.args.get("after"))  # fmt: skip


@bp.get("/log")
def log() -> Response:
    return _log()


@bp.get("/log/<int:postback_id>")
def detail(postback_id: int) -> Response:
    row = platform().postback(postback_id)
    if row is None:
        raise ApiError(404, "not_found", f"no postback with id {postback_id}", "id")
    replays = platform().postbacks(limit=20, replay_of=postback_id)
    return page("postback.html", row=row, replays=replays)


def _ids() -> list[int]:
    found = []
    for raw in request.form.getlist("id"):
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise bad_request(f"not a postback id: {raw[:40]!r}", "id")
        found.append(int(raw))
    if not found:
        raise bad_request("select at least one postback first", "id")
    if len(found) > 1000:
        raise bad_request("replay at most 1000 postbacks at once", "id")
    return found


@bp.post("/log/replay")
def replay_many() -> BaseResponse:
    p = platform()
    try:
        ids = _ids()
        for postback_id in sorted(ids):
            p.replay(postback_id)
    except KeyError as exc:
        return _log(404, ApiError(404, "not_found", str(exc).strip("'"), "id"))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _log(400, form_error(exc))
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("done", "n")}
    return redirect(url_for("ui_log.log", **args, done="replayed", n=len(ids)), 303)


@bp.post("/log/<int:postback_id>/replay")
def replay(postback_id: int) -> BaseResponse:
    try:
        new_id = platform().replay(postback_id)
    except KeyError:
        raise ApiError(404, "not_found", f"no postback with id {postback_id}", "id") from None
    return redirect(url_for("ui_log.detail", postback_id=new_id, done="replayed", n=1), 303)
