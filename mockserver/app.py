"""``create_app(settings=None, platform=None)``: the Flask application around one MockPlatform.

Views parse the request, call the platform and serialise; state and rules live in the platform.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, request

from mockserver.config import Settings
from mockserver.events import EventHub
from mockserver.platform import MockPlatform
from mockserver.web import (
    calls,
    control,
    events,
    inbox,
    log,
    media,
    openapi,
    platform_api,
    runs,
    ui,
    ui_calls,
    ui_dashboard,
    ui_log,
    ui_moderation,
    ui_phone,
    ui_scenarios,
    ui_settings,
    ui_timeline,
    uploads,
)
from mockserver.web.api import (
    TOKEN_COOKIE,
    StoreIdConverter,
    error_response,
    install_error_handlers,
    token_ok,
)
from mockserver.web.guard import OPEN_PATHS, OPEN_PREFIXES, refusal
from mockserver.web.lane import FastLane

MAX_BODY = 1024 * 1024
#: The browser UI, one blueprint per page area (``web/ui*.py``, templates in ``templates/``).
UI_PAGES = (ui_dashboard, ui_scenarios, ui_phone, ui_moderation, ui_log, ui_calls, ui_settings,
            ui_timeline)  # fmt: skip
#: Path prefixes that never need the control token: those open to anyone (``web/guard.py``)
#: and the platform's own API (apps send their API key, not the control token; the Host and
#: cross-site checks still apply to it).
TOKEN_FREE_PREFIXES = (*OPEN_PREFIXES, *platform_api.API_PREFIXES)


def create_app(
    settings: Settings | None = None,
    platform: MockPlatform | None = None,
    *,
    max_streams: int = 8,
    fast_lane: bool = True,
) -> Flask:
    """The WSGI app. Without ``platform``, one is made from ``settings`` (defaults if None);
    the caller owns it either way: ``app.extensions["mockserver"].close()`` when done.
    ``fast_lane=False`` serves SMS MO injection through Flask too (see ``web/lane.py``)."""
    if platform is None:
        platform = MockPlatform(settings or Settings())
    app = Flask("mockserver")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.sort_keys = False  # type: ignore[attr-defined]
    hub = EventHub(max_streams=max_streams)
    platform.subscribe(hub.publish)
    app.url_map.converters["int"] = StoreIdConverter  # before any route uses it
    app.extensions["mockserver"] = platform
    app.extensions["mockserver.events"] = hub
    install_error_handlers(app)
    app.before_request(_check_site)
    app.before_request(_check_token)
    blueprints = (control, log, inbox, runs, events, openapi, media, uploads, platform_api, calls)
    for module in (*blueprints, ui):
        app.register_blueprint(module.bp)
    for page in UI_PAGES:
        app.register_blueprint(page.bp)
    if fast_lane:
        routes = {("POST", inbox.SMS_MO_PATH): inbox.inject_sms}
        app.wsgi_app = FastLane(app, routes)  # type: ignore[method-assign]
    return app


def _check_site() -> Response | None:
    """Host and Origin checks (``web/guard.py``): DNS rebinding and cross-site requests."""
    platform: MockPlatform = current_app.extensions["mockserver"]
    error = refusal(platform.settings, request.environ)
    if error is None:
        return None
    return error_response(error.status, error.code, error.message, error.field)


def _check_token() -> Response | None:
    platform: MockPlatform = current_app.extensions["mockserver"]
    token = platform.settings.token
    if not token or request.path in OPEN_PATHS or request.path.startswith(TOKEN_FREE_PREFIXES):
        return None
    if request.path == "/" and request.args.get("token"):
        return _login(token)
    if token_ok(token):
        return None
    if not request.path.startswith("/mock/"):
        return ui.login_page()
    return error_response(
        401,
        "unauthorized",
        "this server needs its token: send the X-Mockserver-Token header, "
        "'Authorization: Bearer <token>', or open /?token=<token> once in a browser",
    )


def _login(token: str) -> Response:
    """``/?token=...``: set the cookie for the UI and come back without the token in the URL."""
    given = request.args.get("token", "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return ui.login_page(wrong=True)
    response = Response(status=303, headers={"Location": "/"})
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
    return response
