"""What the browser UI's pages share: templates, static files, filters, the page frame.

The templates live in the top-level ``templates/`` folder (``mockserver/_data/templates`` in a
wheel, found by ``mockserver.resources``), their CSS and JavaScript in ``templates/static``,
served at ``/ui/static``. Jinja2 escapes every value (autoescape): message text is shown as
text. Each page area is a blueprint of its own (``ui_*.py``); views are thin over
``MockPlatform``. Forms POST to the UI's own routes (same-origin, which the Host/Origin guard
accepts) and redirect back, so every action works without JavaScript; ``ui.js`` adds the live
updates (server-sent events) on top.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

from defusedxml import minidom
from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from mockserver import __version__
from mockserver.resources import templates_dir
from mockserver.web.api import KNOWN_ERRORS, ApiError, api_error_for, platform

_TEMPLATES = templates_dir()
bp = Blueprint(
    "ui",
    __name__,
    template_folder=str(_TEMPLATES),
    static_folder=str(_TEMPLATES / "static"),
    static_url_path="/ui/static",
)
NAV = (
    ("ui_dashboard.dashboard", "Dashboard"),
    ("ui_scenarios.launcher", "Scenarios"),
    ("ui_phone.phone", "Phone"),
    ("ui_moderation.queue", "Moderation"),
    ("ui_log.log", "Delivery log"),
    ("ui_calls.calls", "API calls"),
    ("ui_settings.settings", "Settings"),
)
STATE_CLASS = {
    "scheduled": "info", "queued": "muted", "sending": "warn", "delivered": "ok",
    "failed": "bad", "cancelled": "muted", "pending": "warn", "approved": "ok",
    "rejected": "bad", "ok": "ok", "degraded": "bad",
}  # fmt: skip
#: What ``?done=KEY&n=N`` after a redirect says (a fixed set: a link cannot make the page
#: say something of its own).
NOTICES = {
    "sms": "SMS MO sent from the handset.",
    "mms": "MMS MO sent from the handset.",
    "held": "MMS MO sent: it waits in the moderation queue.",
    "approved": "Approved {n}: the N401 postbacks are on their way.",
    "rejected": "Rejected {n}: nothing is sent for them.",
    "replayed": "Replayed {n}: new postbacks are scheduled now.",
    "settings": "Settings saved; they apply to the next attempt.",
    "api": "Platform API settings saved; they apply to the next request.",
    "clock": "Clock moved on; what fell due has been sent.",
    "reset": "All state dropped.",
}


def notice() -> str | None:
    text = NOTICES.get(request.args.get("done", ""))
    if text is None:
        return None
    n = request.args.get("n", "")
    return text.format(n=n if n.isdigit() else "")


def page(template: str, status: int = 200, **context: Any) -> Response:
    """A full page (``base.html`` frame) or, with ``?partial=1``, only its live part."""
    p = platform()
    context.setdefault("error", None)
    pending = p.store.execute("SELECT COUNT(*) AS n FROM moderation WHERE state = 'pending'")
    frame = {
        "settings": p.settings,
        "now": p.now(),
        "version": __version__,
        "nav": NAV,
        "pending": int(pending[0]["n"]),
        "partial": request.args.get("partial") == "1",
        "notice": notice(),
        # the live updates resume after the last event this page has seen
        "last_seq": current_app.extensions["mockserver.events"].last_seq,
    }
    html = render_template(template, **frame, **context)
    return Response(html, status=status, mimetype="text/html")


def form_error(exc: Exception) -> ApiError:
    """The message a form shows for a refused action (the control API's wording)."""
    error = api_error_for(exc)
    assert error is not None
    return error


def is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, KNOWN_ERRORS)


def bad_request(message: str, field: str | None = None) -> ApiError:
    return ApiError(400, "invalid_field", message, field)


def query_id(name: str) -> int | None:
    """An optional id from the query string (a cursor); 400 when it is not one."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise bad_request(f"{name} must be a postback id", name)
    return int(raw)


# -- filters --


@bp.app_template_filter("clock")
def clock_time(value: float | None) -> str:
    """Platform time as the local wall clock, to the millisecond."""
    if value is None:
        return "—"
    moment = time.localtime(value)
    return time.strftime("%H:%M:%S", moment) + f".{int(value * 1000) % 1000:03d}"


@bp.app_template_filter("datetime")
def date_time(value: float | None) -> str:
    if value is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))


@bp.app_template_filter("duration")
def duration(seconds: float | None) -> str:
    """``12 ms``, ``4.2 s``, ``5 min 3 s``, ``2 h 10 min``."""
    if seconds is None:
        return "—"
    s = abs(seconds)
    sign = "-" if seconds < 0 else ""
    if s < 1:
        return f"{sign}{s * 1000:.0f} ms"
    if s < 60:
        return f"{sign}{s:.1f} s"
    if s < 3600:
        return f"{sign}{int(s // 60)} min {int(s % 60)} s"
    if s < 86400:
        return f"{sign}{int(s // 3600)} h {int(s % 3600 // 60)} min"
    return f"{sign}{int(s // 86400)} d {int(s % 86400 // 3600)} h"


@bp.app_template_filter("state_class")
def state_class(state: str | None) -> str:
    return STATE_CLASS.get(state or "", "muted")


@bp.app_template_filter("pretty")
def pretty_body(body: bytes | str | None, content_type: str = "") -> str:
    """The body indented for reading (XML, JSON, a form field ``xml``); as it is if it does
    not parse (the simulator sends some bodies malformed on purpose)."""
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(text, keep_blank_values=True)
        return "\n\n".join(f"{k} =\n{_pretty_text(v)}" for k, v in pairs) or text
    return _pretty_text(text)


def _pretty_text(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    if stripped.startswith("<"):
        try:
            document = minidom.parseString(stripped)
        except Exception:  # any parse error: show it as sent
            return text
        lines = document.toprettyxml(indent="  ").splitlines()
        if not stripped.startswith("<?xml") and lines and lines[0].startswith("<?xml"):
            lines = lines[1:]
        return "\n".join(line for line in lines if line.strip())
    return text


@bp.app_template_filter("summary")
def summary(fields: dict[str, Any] | None) -> str:
    """One line of what a postback says: its text, status or subject."""
    if not fields:
        return ""
    for key in ("TEXT", "STATUS", "SUBJECT", "STATUSDETAILS", "KEYWORD"):
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


@bp.app_template_filter("party")
def party(fields: dict[str, Any] | None) -> str:
    if not fields:
        return ""
    sender, to = fields.get("FROM"), fields.get("TO")
    if sender and to:
        return f"{sender} → {to}"
    return str(to or sender or "")


@bp.app_template_filter("json")
def as_json(value: Any) -> Markup:
    """For ``data-*`` attributes: JSON, then escaped as any attribute value."""
    return Markup.escape(json.dumps(value))


@bp.app_template_filter("headers")
def header_lines(headers: Any) -> str:
    """Headers (a mapping or a list of pairs) as ``Name: value`` lines."""
    pairs = headers.items() if isinstance(headers, dict) else headers or []
    return "\n".join(f"{k}: {v}" for k, v in pairs)


def _error_page(exc: Exception) -> Response:
    error = api_error_for(exc)
    assert error is not None, f"no error page for {exc!r}"
    return page("error.html", error.status, error=None, problem=error)


def install(blueprint: Blueprint) -> Blueprint:
    """Refusals in a UI page are HTML pages (the control API's are JSON)."""
    for kind in (*KNOWN_ERRORS, HTTPException):
        blueprint.register_error_handler(kind, _error_page)
    return blueprint


def login_page(wrong: bool = False) -> Response:
    """What a browser gets without the token: a form that sets the cookie (``/?token=``)."""
    html = render_template("login.html", version=__version__, wrong=wrong)
    return Response(html, status=401, mimetype="text/html")
