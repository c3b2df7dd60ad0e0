"""Every client error is a 4xx with a JSON error body: a bounded fuzz of every control route.

bench/fuzz.py sends 20,000 of the same requests to a live server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.web.fuzzing import FuzzRequest, requests_for, routes


def _platform() -> MockPlatform:
    return MockPlatform(
        Settings(clock="virtual", data_dir=":memory:", seed=7, postback_url="http://127.0.0.1:9/")
    )


with _platform() as _found:
    ROUTES = routes(create_app(platform=_found))


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    with _platform() as platform:
        found = create_app(platform=platform)
        found.testing = True  # an unexpected exception propagates, with its traceback
        yield found


def send(app: Flask, request: FuzzRequest) -> tuple[int, str, bytes]:
    client = Client(app)
    response = client.open(
        request.path,
        method=request.method,
        query_string=request.query,
        headers=request.headers,
        data=request.body,
        buffered=False,
    )
    try:
        streaming = response.mimetype == "text/event-stream"
        return response.status_code, response.mimetype, b"" if streaming else response.get_data()
    finally:
        response.close()


def check(status: int, mimetype: str, body: bytes, request: FuzzRequest) -> None:
    assert status < 500, request
    if status >= 400 and mimetype == "text/html":
        # a page of the browser UI (its refusals are pages too, with the message shown);
        # a method or path no page has is answered by the app, in JSON, as any other
        assert not request.path.startswith("/mock/"), request
        assert b'class="banner bad"' in body or b"Cannot do that" in body or b"Not found" in body
    elif status >= 400:
        assert mimetype == "application/json", request
        error = json.loads(body)["error"]
        assert set(error) == {"code", "message", "field"}, request
        assert error["code"], request
        assert error["message"], request


def test_routes_cover_the_control_api() -> None:
    paths = {rule for rule, _ in ROUTES}
    expected = {"/mock/api/v1/postbacks/<int:postback_id>/replay", "/mock/api/v1/events",
                "/mock/api/v1/settings", "/mock/api/v1/mo/sms", "/mock/media/<name>"}  # fmt: skip
    assert expected <= paths


@settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck))
@given(request=requests_for(ROUTES))
def test_no_request_is_a_server_error(app: Flask, request: FuzzRequest) -> None:
    check(*send(app, request), request)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/mock/api/v1/postbacks/9223372036854775808", b""),
        ("POST", "/mock/api/v1/postbacks/99999999999999999999/replay", b""),
        ("GET", "/mock/api/v1/moderation/18446744073709551616", b""),
        ("POST", "/mock/api/v1/mo/sms", b"[" * 1000 + b"]" * 1000),
        ("POST", "/mock/api/v1/scenarios/hello/runs", b'{"vars": ' + b'{"a": ' * 999 + b"1"
         + b"}" * 1000),
        ("POST", "/mock/api/v1/postbacks/replay", b'{"since": 1' + b"0" * 40 + b"}"),
        ("POST", "/mock/api/v1/postbacks/replay", b'{"code": "\\ud800"}'),
        ("POST", "/mock/api/v1/clock/advance", b'{"seconds": 1e999}'),
        ("GET", "/mock/api/v1/postbacks?since=1e999", b""),
        ("GET", "/mock/api/v1/events?since=" + "9" * 30, b""),
    ],
)  # fmt: skip
def test_the_reported_cases(app: Flask, method: str, path: str, body: bytes) -> None:
    path, _, query = path.partition("?")
    status, mimetype, answer = send(app, FuzzRequest(method, path, query, {}, body))
    check(status, mimetype, answer, FuzzRequest(method, path, query))
    assert status in (400, 404)
