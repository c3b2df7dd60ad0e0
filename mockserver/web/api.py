"""What every control-API view shares: JSON errors, strict body parsing, the token check.

Errors are ``{"error": {"code", "message", "field"}}`` with a fitting status.
"""

from __future__ import annotations

import hmac
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie
from werkzeug.routing import IntegerConverter, Map

from mockserver.config import ConfigError, UrlError
from mockserver.inbox import InboxError
from mockserver.platform import MockPlatform
from mockserver.scenarios.errors import ScenarioError, UnknownScenarioError
from mockserver.wire.errors import WireError

TOKEN_HEADER = "X-Mockserver-Token"  # noqa: S105 - a header name
TOKEN_COOKIE = "mockserver_token"  # noqa: S105 - a cookie name
_TOKEN_KEY = "HTTP_" + TOKEN_HEADER.upper().replace("-", "_")  # its WSGI environ key


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def payload(self) -> dict[str, Any]:
        return error_payload(self.code, self.message, self.field)


def error_payload(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    response = jsonify(error_payload(code, message, field))
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
    return parse_json_object(request.get_data(cache=True), spec, allow_empty=allow_empty)


def parse_json_object(
    raw: bytes, spec: Mapping[str, Field], *, allow_empty: bool = False
) -> dict[str, Any]:
    """:func:`json_body` on the bytes of a body (no Flask request needed: the fast lane)."""
    if not raw.strip():
        if allow_empty:
            data: Any = {}
        else:
            raise ApiError(400, "bad_json", "the request needs a JSON object body")
    else:
        data = _loads(raw)
        if data is None:
            raise ApiError(400, "bad_json", "the body is not valid JSON; send a JSON object")
    return _checked(data, spec)


def _loads(raw: bytes) -> Any:
    """What ``request.get_json(force=True, silent=True)`` gives: ``json.loads`` (bytes in
    any UTF encoding), None for a body that is not JSON; also None for what Python reads but
    JSON has not (NaN, Infinity) and for nesting deeper than the parser's recursion limit."""
    try:  # json.loads(raw, parse_constant=...) would build a decoder per call
        return _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except (ValueError, RecursionError):
        return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


#: Nesting allowed inside a body member (``vars: {"a": {"b": ...}}``).
MAX_DEPTH = 32
#: What SQLite stores as an integer.
INT64 = (-(2**63), 2**63 - 1)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_value(name: str, value: Any, depth: int = 0) -> None:
    """Refuse, naming the member, what JSON can carry but nothing downstream can hold: lone
    surrogates (not text: cannot be encoded), integers beyond 64 bits, numbers too large for
    a float (read as infinity), nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise ApiError(400, "invalid_field", f"{name!r} is nested over {MAX_DEPTH} deep", name)
    if isinstance(value, str):
        if _SURROGATE.search(value):
            message = f"{name!r} holds a lone UTF-16 surrogate, which is not text; send UTF-8"
            raise ApiError(400, "invalid_field", message, name)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT64[0] <= value <= INT64[1]:
            raise ApiError(400, "invalid_field", f"{name!r} is beyond a 64-bit integer", name)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ApiError(400, "invalid_field", f"{name!r} is too large a number", name)
    elif isinstance(value, list):
        for item in value:
            check_value(name, item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(name, key, depth + 1)
            check_value(name, item, depth + 1)


def _checked(data: Any, spec: Mapping[str, Field]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError(
            400, "bad_json", f"the body must be a JSON object, not {type(data).__name__}"
        )
    for name in data:
        check_value(name, name)
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
        check_value(name, value)
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


class StoreIdConverter(IntegerConverter):
    """``<int:...>`` in the app's paths: an id as SQLite stores it (ASCII digits, at most
    2^63 - 1); anything else does not match the route, so it is a 404 like any unknown id."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT64[1])
        super().__init__(map, *args, **kwargs)


def query_number(name: str, text: str) -> float:
    """A finite number from the query string, or a 400 naming the parameter."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > 1e15:
        raise ApiError(400, "invalid_field", f"{name} must be a number of seconds", name)
    return value


def token_ok(
    expected: str | None, environ: Mapping[str, Any] | None = None, *, cookie: bool = True
) -> bool:
    """Header ``X-Mockserver-Token``, ``Authorization: Bearer``, or the cookie (unless
    ``cookie=False``); read from the WSGI ``environ`` (default: the current request's), as
    werkzeug's ``request.headers`` and ``request.cookies`` would read them."""
    if not expected:
        return True
    if environ is None:
        environ = request.environ
    auth = environ.get("HTTP_AUTHORIZATION", "")
    candidates = [
        environ.get(_TOKEN_KEY, ""),
        auth[7:] if auth.lower().startswith("bearer ") else "",
    ]
    if cookie:
        candidates.append(parse_cookie(environ.get("HTTP_COOKIE", "")).get(TOKEN_COOKIE, ""))
    return any(hmac.compare_digest(c.encode(), expected.encode()) for c in candidates if c)


#: The exceptions the API answers with a 400/404/409 of its own (not a 500).
KNOWN_ERRORS = (ApiError, InboxError, ConfigError, UrlError, ScenarioError, WireError)


def api_error_for(exc: BaseException) -> ApiError | None:
    """The JSON error a known exception is answered with; None for any other exception."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, InboxError):
        code = {404: "not_found", 409: "conflict"}.get(exc.status, "invalid_field")
        return ApiError(exc.status, code, str(exc), exc.field)
    if isinstance(exc, ConfigError):
        return ApiError(400, "invalid_setting", str(exc), exc.setting)
    if isinstance(exc, UrlError):
        return ApiError(400, "invalid_field", str(exc), exc.field)
    if isinstance(exc, UnknownScenarioError):
        return ApiError(404, "not_found", str(exc), "name")
    if isinstance(exc, ScenarioError):
        return ApiError(400, "scenario_error", str(exc), "vars")
    if isinstance(exc, WireError):
        return ApiError(400, "wire_error", str(exc))
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return ApiError(exc.code or 500, code, exc.description or exc.name)
    return None


def install_error_handlers(app: Flask) -> None:
    for kind in (*KNOWN_ERRORS, HTTPException):
        app.register_error_handler(kind, _known_error)


def _known_error(exc: Exception) -> Response:
    error = api_error_for(exc)
    assert error is not None, f"no API error for {exc!r}"
    return error_response(error.status, error.code, error.message, error.field)
