"""Host and Origin checks: no DNS rebinding, no cross-site state changes without the token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.web.guard import host_of

SMS = {"from": "16315551234", "to": "60856", "text": "hi"}


def _app(fast_lane: bool = True, **settings: Any) -> Iterator[Flask]:
    config = Settings(clock="virtual", data_dir=":memory:", seed=7, **settings)
    with MockPlatform(config) as platform:
        yield create_app(platform=platform, fast_lane=fast_lane)


@pytest.fixture(params=[True, False], ids=["lane", "flask"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from _app(request.param)


def _post(app: Flask, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
    return Client(app).post(path, headers=headers, **kwargs)


def test_the_reported_attack_is_refused(app: Flask) -> None:
    """POST /reset as a page of evil.example would send it: text/plain, its Origin."""
    headers = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    response = _post(app, "/mock/api/v1/reset", headers, data="x")
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("cross_site_request", "Origin")
    assert "X-Mockserver-Token" in error["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {"Origin": "https://evil.example:8055"},
        {"Referer": "http://evil.example/page.html"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost:8055"},
    ],
)
def test_cross_site_state_changes_are_refused(app: Flask, headers: dict[str, str]) -> None:
    for method, path in (("POST", "/mock/api/v1/mo/sms"), ("PATCH", "/mock/api/v1/settings"),
                         ("DELETE", "/mock/api/v1/reset")):  # fmt: skip
        response = Client(app).open(path, method=method, headers=headers, json=SMS)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "cross_site_request"
    assert app.extensions["mockserver"].postbacks() == []


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://127.0.0.1:8055"},
        {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://[::1]:8055"},
        {"Referer": "http://127.0.0.1:8055/"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_own_pages_and_tools_pass(app: Flask, headers: dict[str, str]) -> None:
    response = _post(app, "/mock/api/v1/mo/sms", headers, json=SMS)
    assert response.status_code == 201, response.get_data(as_text=True)


def test_reading_cross_site_is_not_refused(app: Flask) -> None:
    """A foreign page cannot read the answer (no CORS headers): GETs are left alone."""
    response = Client(app).get("/mock/api/v1/postbacks", headers={"Origin": "http://evil.example"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8055", "127.0.0.1.evil.example", "x@127.0.0.1", "::"]
)
def test_foreign_host_is_refused(app: Flask, host: str) -> None:
    routes = [("GET", "/mock/api/v1/settings"), ("GET", "/"), ("POST", "/mock/api/v1/mo/sms"),
              ("POST", "/mock/api/v1/reset")]  # fmt: skip
    for method, path in routes:
        response = Client(app).open(path, method=method, headers={"Host": host}, json=SMS)
        assert response.status_code == 421, (method, path)
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("host_not_allowed", "Host")
        assert "allowed_hosts" in error["message"]
    assert app.extensions["mockserver"].postbacks() == []


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:8055", "127.0.0.1:8055", "[::1]:8055", "app.localhost"]
)
def test_loopback_names_pass(app: Flask, host: str) -> None:
    assert Client(app).get("/mock/api/v1/settings", headers={"Host": host}).status_code == 200


def test_health_and_media_stay_open_to_any_host(app: Flask) -> None:
    headers = {"Host": "evil.example", "Origin": "http://evil.example"}
    assert Client(app).get("/mock/api/v1/health", headers=headers).status_code == 200
    assert Client(app).get("/mock/media/a1.jpg", headers=headers).status_code == 200


def test_configured_names() -> None:
    for app in _app(
        host="0.0.0.0",
        token="s3cret",
        public_url="http://mockserver:8055",
        allowed_hosts=("sim.internal", ".dev.test"),
    ):
        auth = {"X-Mockserver-Token": "s3cret"}
        for host in ("mockserver:8055", "sim.internal", "dev.test", "a.b.dev.test", "10.1.2.3"):
            response = Client(app).get("/mock/api/v1/settings", headers={"Host": host, **auth})
            assert response.status_code == 200, host
        for host in ("evil.example", "xdev.test", "mockserver.evil.example"):
            response = Client(app).get("/mock/api/v1/settings", headers={"Host": host, **auth})
            assert response.status_code == 421, host


def test_a_specific_host_accepts_no_other_address() -> None:
    for app in _app(host="127.0.0.2"):
        assert Client(app).get("/", headers={"Host": "127.0.0.2:8055"}).status_code == 200
        assert Client(app).get("/", headers={"Host": "10.1.2.3"}).status_code == 421


def test_star_allows_any_host() -> None:
    for app in _app(allowed_hosts=("*",)):
        assert Client(app).get("/", headers={"Host": "evil.example"}).status_code == 200


def test_the_token_in_a_header_allows_a_cross_site_request() -> None:
    for app in _app(token="s3cret"):
        foreign = {"Origin": "http://evil.example"}
        header = _post(app, "/mock/api/v1/mo/sms", {**foreign, "X-Mockserver-Token": "s3cret"},
                       json=SMS)  # fmt: skip
        assert header.status_code == 201
        bearer = _post(app, "/mock/api/v1/mo/sms", {**foreign, "Authorization": "Bearer s3cret"},
                       json=SMS)  # fmt: skip
        assert bearer.status_code == 201
        # the cookie is sent by the browser on its own: it proves nothing about the page
        cookie = _post(app, "/mock/api/v1/mo/sms", {**foreign, "Cookie": "mockserver_token=s3cret"},
                       json=SMS)  # fmt: skip
        assert cookie.status_code == 403


@pytest.mark.parametrize(
    ("value", "name"),
    [("localhost", "localhost"), ("Example.COM.:80", "example.com"), ("[::1]:1", "::1"),
     ("a b", None), ("x:notaport", None), ("", None), ("u@h", None), ("h/p", None)],
)  # fmt: skip
def test_host_of(value: str, name: str | None) -> None:
    assert host_of(value) == name


def test_host_verdicts_are_remembered_and_bounded() -> None:
    from mockserver.web.guard import KNOWN_HOSTS, host_rule

    rule = host_rule("127.0.0.1", None, ())
    headers = [f"evil{n}.example:80" for n in range(KNOWN_HOSTS + 50)] + ["localhost:8055"]
    for raw in headers * 2:
        assert rule.allows_header(raw) == rule.allows(host_of(raw))
    assert rule.allows_header("localhost:8055")
    assert not rule.allows_header("evil1.example")
    assert len(rule.verdicts) <= KNOWN_HOSTS
