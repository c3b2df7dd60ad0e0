"""What every control-API view shares: JSON errors, strict body parsing, the token check.

Errors are ``{"error": {"code", "message", "field"}}`` with a fitting status.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from mockserver.config import ConfigError
from mockserver.inbox import InboxError
from mockserver.platform import MockPlatform
from mockserver.scenarios.errors import ScenarioError, UnknownScenarioError
from mockserver.wire.errors import WireError

TOKEN_HEADER = "X-Mockserver-Token"  # noqa: S105 - a header name
TOKEN_COOKIE = "mockserver_token"  # noqa: S105 - a cookie name


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def platform() -> MockPlatform:
    found: MockPlatform = current_app.extensions["mockserver"]
    return found


@dataclass(frozen=True)
class Field:
    """One member of a JSON body: its type(s) and whether it must be there."""

    types: tuple[type, ...]
    required: bool = False
    nullable: bool = False


def json_body(spec: Mapping[str, Field], *, allow_empty: bool = False) -> dict[str, Any]:
    """The request's JSON object, checked against ``spec``: unknown members, missing ones and
    wrong types are 400s that name the member. ``null`` counts as absent unless the field is
    ``nullable``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            data: Any = {}
        else:
            raise ApiError(400, "bad_json", "the request needs a JSON object body")
    else:
        data = request.get_json(silent=True, force=True)
        if data is None:
            raise ApiError(400, "bad_json", "the body is not valid JSON; send a JSON object")
    if not isinstance(data, dict):
        raise ApiError(
            400, "bad_json", f"the body must be a JSON object, not {type(data).__name__}"
        )
    for name in data:
        if name not in spec:
            known = ", ".join(spec) or "none"
            raise ApiError(400, "unknown_field", f"unknown member {name!r}; known: {known}", name)
    kept: dict[str, Any] = {}
    for name, field in spec.items():
        if name in data and data[name] is None and field.nullable:
            kept[name] = None
            continue
        if name not in data or data[name] is None:
            if field.required:
                raise ApiError(400, "missing_field", f"{name!r} is required", name)
            continue
        value = data[name]
        if isinstance(value, bool) and bool not in field.types:
            value = None
        if value is None or not isinstance(value, field.types):
            wanted = " or ".join(_type_name(t) for t in field.types)
            raise ApiError(400, "invalid_field", f"{name!r} must be {wanted}", name)
        kept[name] = value
    return kept


def _type_name(kind: type) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "an object"}  # fmt: skip
    return names.get(kind, kind.__name__)


def query_int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_field", f"{name} must be a whole number", name) from None
    if not low <= value <= high:
        raise ApiError(400, "invalid_field", f"{name} must be from {low} to {high}", name)
    return value


def token_ok(expected: str | None) -> bool:
    """Header ``X-Mockserver-Token``, ``Authorization: Bearer``, or the cookie."""
    if not expected:
        return True
    auth = request.headers.get("Authorization", "")
    candidates = [
        request.headers.get(TOKEN_HEADER, ""),
        auth[7:] if auth.lower().startswith("bearer ") else "",
        request.cookies.get(TOKEN_COOKIE, ""),
    ]
    return any(hmac.compare_digest(c.encode(), expected.encode()) for c in candidates if c)


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(InboxError)
    def _inbox(exc: InboxError) -> Response:
        code = {404: "not_found", 409: "conflict"}.get(exc.status, "invalid_field")
        return error_response(exc.status, code, str(exc), exc.field)

    @app.errorhandler(ConfigError)
    def _config(exc: ConfigError) -> Response:
        return error_response(400, "invalid_setting", str(exc), exc.setting)

    @app.errorhandler(UnknownScenarioError)
    def _no_scenario(exc: UnknownScenarioError) -> Response:
        return error_response(404, "not_found", str(exc), "name")

    @app.errorhandler(ScenarioError)
    def _scenario(exc: ScenarioError) -> Response:
        return error_response(400, "scenario_error", str(exc), "vars")

    @app.errorhandler(WireError)
    def _wire(exc: WireError) -> Response:
        return error_response(400, "wire_error", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(status, code, exc.description or exc.name)
