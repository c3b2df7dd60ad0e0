"""``/moderation``: the MMS Inbox moderation queue: held MMS MO with their media; approve or
reject one or many (approving sends the held N401, rejecting sends nothing)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from mockserver.web.api import ApiError, platform
from mockserver.web.ui import bad_request, form_error, install, is_refusal, page

bp = install(Blueprint("ui_moderation", __name__))
VIEWS = ("pending", "approved", "rejected", "all")
IMAGES = ("jpg", "jpeg", "png", "gif", "webp")


def _queue(status: int = 200, error: ApiError | None = None) -> Response:
    view = request.args.get("state", "pending")
    if view not in VIEWS:
        raise bad_request("state is pending, approved, rejected or all", "state")
    items = platform().inbox.items(None if view == "all" else view)
    items.reverse()  # newest first
    return page("moderation.html", status, items=items, view=view, views=VIEWS, images=IMAGES,
                error=error)  # fmt: skip


@bp.get("/moderation")
def queue() -> Response:
    return _queue()


def _ids() -> list[int]:
    found = []
    for raw in request.form.getlist("id"):
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise bad_request(f"not a moderation item id: {raw[:40]!r}", "id")
        found.append(int(raw))
    if not found:
        raise bad_request("select at least one message first", "id")
    return found


@bp.post("/moderation")
def decide() -> BaseResponse:
    action = request.form.get("action")
    inbox = platform().inbox
    try:
        if action not in ("approve", "reject"):
            raise bad_request("action is approve or reject", "action")
        ids = _ids()
        for item_id in ids:
            if action == "approve":
                inbox.approve(item_id)
            else:
                inbox.reject(item_id)
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _queue(400, form_error(exc))
    done = "approved" if action == "approve" else "rejected"
    return redirect(url_for("ui_moderation.queue", done=done, n=len(ids)), 303)
