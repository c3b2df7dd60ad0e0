"""``/settings``: the live settings (postback URLs, flavour, revision, body mode, retry policy,
time scale, moderation), the platform API's (API keys, rate limit, magic numbers) and the
virtual clock (+1 s, +1 min, +5 min, +1 h, run to the end)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from mockserver.api_rules import MAGIC_NUMBERS
from mockserver.config import RATE_LIMIT_REPLIES, RETRY_MODES, SUCCESS_MODES
from mockserver.web.api import ApiError, platform
from mockserver.web.ui import bad_request, form_error, install, is_refusal, page
from mockserver.wire.model import BODY_MODES, FLAVORS
from mockserver.wire.revisions import REVISIONS

bp = install(Blueprint("ui_settings", __name__))
STEPS = ((1, "+1 s"), (60, "+1 min"), (300, "+5 min"), (3600, "+1 h"))
TEXT = ("flavor", "revision", "body_mode", "retry_mode", "success")
NUMBERS = ("time_scale", "retry_interval", "retry_backoff", "timeout")
URLS = ("postback_url", "mo_postback_url")


def _settings(status: int = 200, error: ApiError | None = None) -> Response:
    p = platform()
    return page("settings.html", status, error=error, steps=STEPS, flavors=FLAVORS,
                revisions=REVISIONS, body_modes=BODY_MODES, retry_modes=RETRY_MODES,
                success_modes=SUCCESS_MODES, scheduled=p.store.count_active(),
                rate_limit_replies=RATE_LIMIT_REPLIES, magic=MAGIC_NUMBERS)  # fmt: skip


@bp.get("/settings")
def settings() -> Response:
    return _settings()


def _number(name: str) -> float:
    raw = request.form.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(f"{name} must be a number", name) from None
    if not math.isfinite(value):
        raise bad_request(f"{name} must be a finite number", name)
    return value


def _changes() -> dict[str, Any]:
    form = request.form
    changes: dict[str, Any] = {name: form.get(name, "").strip() or None for name in URLS}
    for name in TEXT:
        if form.get(name):
            changes[name] = form[name]
    for name in NUMBERS:
        changes[name] = _number(name)
    raw = form.get("retry_attempts", "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        raise bad_request("retry_attempts must be a whole number", "retry_attempts")
    changes["retry_attempts"] = int(raw)
    changes["moderation"] = form.get("moderation") == "on"
    return changes


@bp.post("/settings")
def save() -> BaseResponse:
    return _apply(_changes, "settings")


def _apply(changes: Callable[[], dict[str, Any]], done: str) -> BaseResponse:
    """Read a form's changes and apply them: the page again, with a notice or the error."""
    try:
        platform().configure(**changes())
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _settings(400, form_error(exc))
    return redirect(url_for("ui_settings.settings", done=done), 303)


def _api_changes() -> dict[str, Any]:
    """The platform API card: the keys are write-only (never shown, as in the control API):
    a new list replaces them, "any key" clears them, neither keeps them."""
    form = request.form
    changes: dict[str, Any] = {
        "api_rate_limit": _number("api_rate_limit"),
        "api_magic_numbers": form.get("api_magic_numbers") == "on",
    }
    if form.get("api_rate_limit_reply"):
        changes["api_rate_limit_reply"] = form["api_rate_limit_reply"]
    keys = [k.strip() for k in form.get("api_keys", "").replace(",", "\n").splitlines()]
    if form.get("api_any_key") == "on":
        changes["api_keys"] = ()
    elif any(keys):
        changes["api_keys"] = tuple(k for k in keys if k)
    return changes


@bp.post("/settings/api")
def save_api() -> BaseResponse:
    return _apply(_api_changes, "api")


@bp.post("/settings/clock")
def clock() -> BaseResponse:
    p = platform()
    if p.settings.clock != "virtual":
        return _settings(
            409,
            ApiError(
                409,
                "not_virtual",
                "the clock is real: start the server with --clock virtual to move time by hand",
            ),
        )
    how = request.form.get("advance", "")
    if how == "end":
        p.run_until_idle()
    else:
        seconds = dict(STEPS).get(int(how) if how.isascii() and how.isdigit() else -1)
        if seconds is None:
            return _settings(400, bad_request("advance is 1, 60, 300, 3600 or end", "advance"))
        p.advance(float(how))
    back = request.form.get("back", "")
    if back.startswith("/") and not back.startswith(("//", "/\\")):
        return redirect(back, 303)
    return redirect(url_for("ui_settings.settings", done="clock"), 303)


@bp.post("/settings/reset")
def reset() -> BaseResponse:
    platform().reset()
    return redirect(url_for("ui_settings.settings", done="reset"), 303)
