"""Control API: the delivery log, per-attempt detail and replay."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, Response, jsonify, request

from mockserver.web.api import ApiError, Field, json_body, platform, query_int, query_number

bp = Blueprint("log", __name__, url_prefix="/mock/api/v1")
FILTERS = ("code", "origin", "tracking_id", "state", "run_id", "since")
STATES = ("scheduled", "queued", "sending", "delivered", "failed", "cancelled")


def _filters() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in FILTERS:
        value = request.args.get(name)
        if value is None:
            continue
        if name == "since":
            found[name] = query_number(name, value)
        elif name == "state" and value not in STATES:
            raise ApiError(400, "invalid_field", f"state must be one of {', '.join(STATES)}", name)
        else:
            found[name] = value
    unknown = set(request.args) - set(FILTERS) - {"limit", "offset"}
    if unknown:
        name = sorted(unknown)[0]
        known = ", ".join((*FILTERS, "limit", "offset"))
        raise ApiError(400, "unknown_field", f"unknown filter {name!r}; known: {known}", name)
    return found


def body_text(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8"), "body_encoding": "utf-8"}
    except UnicodeDecodeError:
        return {"body": base64.b64encode(body).decode("ascii"), "body_encoding": "base64"}


def postback_view(row: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in row.items() if k not in ("body", "attempts_log")}
    if "body" in row:
        item |= body_text(row["body"])
    if "attempts_log" in row:
        item["attempts"] = [_attempt(a) for a in row["attempts_log"]]
    return item


def _attempt(a: dict[str, Any]) -> dict[str, Any]:
    item = dict(a)
    if isinstance(item.get("response_body"), bytes):
        item["response_body"] = item["response_body"].decode("utf-8", "replace")
    return item


@bp.get("/postbacks")
def list_postbacks() -> Response:
    limit = query_int("limit", 100, 1, 1000)
    offset = query_int("offset", 0, 0, 10**9)
    rows = platform().postbacks(limit=limit, offset=offset, **_filters())
    return jsonify(
        {"postbacks": [postback_view(r) for r in rows], "limit": limit, "offset": offset}
    )


@bp.get("/postbacks/<int:postback_id>")
def get_postback(postback_id: int) -> Response:
    row = platform().postback(postback_id)
    if row is None:
        raise ApiError(404, "not_found", f"no postback with id {postback_id}", "id")
    return jsonify(postback_view(row))


@bp.post("/postbacks/<int:postback_id>/replay")
def replay(postback_id: int) -> Response:
    body = json_body({"url": Field((str,))}, allow_empty=True)
    try:
        new_id = platform().replay(postback_id, url=body.get("url"))
    except KeyError:
        raise ApiError(404, "not_found", f"no postback with id {postback_id}", "id") from None
    response = jsonify({"replayed": postback_id, "postback_id": new_id})
    response.status_code = 201
    return response


@bp.post("/postbacks/replay")
def replay_many() -> Response:
    """Replay every postback matching the filters in the body (at most ``limit``, 1000)."""
    spec = {name: Field((str,) if name != "since" else (int, float)) for name in FILTERS}
    spec |= {"limit": Field((int,)), "url": Field((str,))}
    body = json_body(spec)
    filters = {k: body[k] for k in FILTERS if k in body}
    if not filters:
        raise ApiError(400, "missing_field", "give at least one filter: " + ", ".join(FILTERS))
    limit = int(body.get("limit", 100))
    if not 1 <= limit <= 1000:
        raise ApiError(400, "invalid_field", "limit must be from 1 to 1000", "limit")
    p = platform()
    rows = p.postbacks(limit=limit, **filters)
    new_ids = [p.replay(r["id"], url=body.get("url")) for r in reversed(rows)]
    response = jsonify({"replayed": [r["id"] for r in reversed(rows)], "postback_ids": new_ids})
    response.status_code = 201
    return response
