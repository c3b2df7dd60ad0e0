"""Control API: health, clock, reset and live settings (``/mock/api/v1``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, Response, jsonify

from mockserver import __version__
from mockserver.config import Settings
from mockserver.web.api import ApiError, Field, json_body, platform

bp = Blueprint("control", __name__, url_prefix="/mock/api/v1")

#: Settings that can change while the server runs (others need a restart).
LIVE_SETTINGS = (
    "postback_url", "mo_postback_url", "flavor", "revision", "body_mode", "time_scale",
    "retry_attempts",
    "retry_interval", "retry_backoff", "retry_mode", "timeout", "success", "moderation",
    "api_keys", "api_routes", "api_defaults", "api_magic_numbers", "api_rate_limit",
    "api_rate_limit_reply",
    "keep_postbacks", "keep_calls", "keep_runs", "keep_saved_mms", "keep_days",
)  # fmt: skip
_SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "postback_url": (str,), "mo_postback_url": (str,), "flavor": (str,), "revision": (str,),
    "body_mode": (str,),
    "time_scale": (int, float), "retry_attempts": (int,), "retry_interval": (int, float),
    "retry_backoff": (int, float), "retry_mode": (str,), "timeout": (int, float),
    "success": (str,), "moderation": (bool,),
    "api_keys": (list,), "api_routes": (list,), "api_defaults": (dict,),
    "api_magic_numbers": (bool,), "api_rate_limit": (int, float), "api_rate_limit_reply": (str,),
    "keep_postbacks": (int,), "keep_calls": (int,), "keep_runs": (int,), "keep_saved_mms": (int,),
    "keep_days": (int, float),
}  # fmt: skip


def settings_view(settings: Settings) -> dict[str, Any]:
    """The settings as JSON; the token is never shown."""
    data = dataclasses.asdict(settings)
    data["token"] = "***" if settings.token else None
    data["api_keys"] = ["***"] * len(settings.api_keys)
    data["scenarios"] = list(settings.scenarios)
    return {"settings": data, "live": list(LIVE_SETTINGS)}


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 ``ok``; 503 ``degraded`` (with the reason) while the delivery engine is not whole."""
    p = platform()
    state = p.health()
    return jsonify({**state, "version": __version__, "clock": p.settings.clock,
                    "now": p.now()}), 200 if state["status"] == "ok" else 503  # fmt: skip


@bp.get("/clock")
def clock() -> Response:
    p = platform()
    return jsonify({"kind": p.settings.clock, "now": p.now(), "time_scale": p.settings.time_scale})


@bp.post("/clock/advance")
def advance() -> Response:
    body = json_body({"seconds": Field((int, float), required=True)})
    seconds = float(body["seconds"])
    if not 0 <= seconds <= 10 * 365 * 86400:
        raise ApiError(400, "invalid_field", "seconds must be from 0 to ten years", "seconds")
    p = platform()
    if p.settings.clock != "virtual":
        raise ApiError(409, "not_virtual", "the clock is real: start with --clock virtual")
    return jsonify({"kind": "virtual", "now": p.advance(seconds)})


@bp.post("/reset")
def reset() -> Response:
    platform().reset()
    return jsonify({"status": "reset"})


@bp.get("/settings")
def get_settings() -> Response:
    return jsonify(settings_view(platform().settings))


@bp.patch("/settings")
def patch_settings() -> Response:
    """Change live settings; ``null`` clears a URL."""
    nullable = ("postback_url", "mo_postback_url")
    spec = {name: Field(_SETTING_TYPES[name], nullable=name in nullable) for name in LIVE_SETTINGS}
    updated = platform().configure(**json_body(spec))
    return jsonify(settings_view(updated))
