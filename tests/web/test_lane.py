"""The fast lane answers POST /mo/sms byte for byte as the Flask view does."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from mockserver.web.lane import FastLane
from mockserver.wire.errors import FieldError
from tests.lanes import Answer, lane_app, post, spy_on_flask

PATH = "/mock/api/v1/mo/sms"
OK = {"from": "16315551234", "to": "60856", "text": "hi"}


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


BODIES: dict[str, bytes] = {
    "plain": _json(OK),
    "postback url": _json({**OK, "postback_url": "http://127.0.0.1:9/mo"}),
    "null postback url": _json({**OK, "postback_url": None}),
    "relative postback url": _json({**OK, "postback_url": "/mo"}),
    "ftp postback url": _json({**OK, "postback_url": "ftp://127.0.0.1/mo"}),
    "markup and non-ASCII": _json({**OK, "text": "STOP <now> & é \r\n 😀"}),
    "XML-invalid characters": _json({**OK, "text": "a\x01b\ufffe"}),
    "UTF-16": json.dumps(OK).encode("utf-16"),
    "empty": b"",
    "blank": b"  \n",
    "not JSON": b"{from: 1}",
    "not UTF-8": b'{"from": "\xff"}',
    "null": b"null",
    "a list": b"[1, 2]",
    "a string": b'"hi"',
    "unknown member": _json({**OK, "flavor": "x"}),
    "missing text": _json({"from": "1", "to": "2"}),
    "null text": _json({**OK, "text": None}),
    "number for from": _json({**OK, "from": 1555}),
    "bool for to": _json({**OK, "to": True}),
    "empty from": _json({**OK, "from": " "}),
    "long to": _json({**OK, "to": "1" * 33}),
    "too big": _json({**OK, "text": "x" * (1024 * 1024)}),
}


def _app(fast_lane: bool, **settings: Any) -> Iterator[Flask]:
    yield from lane_app(fast_lane, seed=7, **settings)


@pytest.fixture
def lane() -> Iterator[Flask]:
    yield from _app(True)


@pytest.fixture
def flask_only() -> Iterator[Flask]:
    yield from _app(False)


def _send(app: Flask, body: bytes, **kwargs: Any) -> Answer:
    return post(app, PATH, body, "application/json", **kwargs)


def test_every_answer_is_the_flask_views(lane: Flask, flask_only: Flask) -> None:
    seen = spy_on_flask(lane)
    for name, body in BODIES.items():
        assert _send(lane, body) == _send(flask_only, body), name
    assert seen == []
    ours, theirs = lane.extensions["mockserver"], flask_only.extensions["mockserver"]
    rows = ours.postbacks(limit=100)
    assert len(rows) == 6
    for row in rows:
        assert ours.postback(row["id"]) == theirs.postback(row["id"])


def test_sinch_xml_sms_mo_takes_the_skycore_form(lane: Flask, flask_only: Flask) -> None:
    for app in (lane, flask_only):  # Sinch's XML service sends no SMS postbacks
        app.extensions["mockserver"].configure(flavor="sinch-xml")
    status, headers, body = _send(lane, BODIES["plain"])
    assert (status, headers, body) == _send(flask_only, BODIES["plain"])
    assert status == "201 CREATED"


def test_a_wire_error_after_the_checks(
    lane: Flask, flask_only: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise FieldError("the renderer refused it")

    monkeypatch.setattr("mockserver.engine.prepare.wire.render", broken)
    status, headers, body = _send(lane, BODIES["plain"])
    assert (status, headers, body) == _send(flask_only, BODIES["plain"])
    assert status == "400 BAD REQUEST"
    assert json.loads(body)["error"]["code"] == "wire_error"


def test_the_token_is_checked(lane: Flask, flask_only: Flask) -> None:
    seen = spy_on_flask(lane)
    for app in (lane, flask_only):
        app.extensions["mockserver"].configure(token="s3cret")
    accepted = [
        {"headers": {"X-Mockserver-Token": "s3cret"}},
        {"headers": {"Authorization": "Bearer s3cret"}},
        {"headers": {"Cookie": "mockserver_token=s3cret"}},
    ]
    for kwargs in accepted:
        answer = _send(lane, BODIES["plain"], **kwargs)
        assert answer == _send(flask_only, BODIES["plain"], **kwargs)
        assert answer[0] == "201 CREATED"
    assert seen == []
    for kwargs in ({}, {"headers": {"X-Mockserver-Token": "wrong"}}):
        refused = _send(lane, BODIES["plain"], **kwargs)
        assert refused == _send(flask_only, BODIES["plain"], **kwargs)
        assert refused[0] == "401 UNAUTHORIZED"
    assert seen == [PATH, PATH]


def test_other_routes_and_methods_go_to_flask(lane: Flask) -> None:
    seen = spy_on_flask(lane)
    client = lane.test_client()
    assert client.get(PATH).status_code == 405
    assert client.post(PATH + "/", json=OK).status_code == 404
    assert client.get("/mock/api/v1/health").status_code == 200
    assert seen == [PATH, PATH + "/", "/mock/api/v1/health"]


def test_debug_mode_goes_to_flask(lane: Flask, flask_only: Flask) -> None:
    seen = spy_on_flask(lane)
    lane.debug = flask_only.debug = True
    answer = _send(lane, BODIES["plain"])
    assert answer == _send(flask_only, BODIES["plain"])
    assert b'\n  "fields"' in answer[2]  # indented, as jsonify does in debug mode
    assert seen == [PATH]


def test_an_unexpected_error_is_flasks_500(
    lane: Flask, flask_only: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    for app in (lane, flask_only):
        app.extensions["mockserver"].inbox.sms_mo = broken
    with caplog.at_level(logging.ERROR):
        answer = _send(lane, BODIES["plain"])
    assert answer == _send(flask_only, BODIES["plain"])
    assert answer[0] == "500 INTERNAL SERVER ERROR"
    assert json.loads(answer[2])["error"]["code"] == "internal_server_error"
    assert "Exception on /mock/api/v1/mo/sms [POST]" in caplog.text
    lane.testing = True  # as Flask does when testing: the exception propagates
    with pytest.raises(RuntimeError, match="disk on fire"):
        _send(lane, BODIES["plain"])


def test_the_app_has_no_hooks_the_lane_would_skip(lane: Flask) -> None:
    """A hook added to the app would not run for the lane's requests: teach the lane first."""
    assert [f.__name__ for f in lane.before_request_funcs[None]] == ["_check_site", "_check_token"]
    assert set(lane.before_request_funcs) == {None}
    for hooks in (
        lane.after_request_funcs,
        lane.teardown_request_funcs,
        lane.url_value_preprocessors,
    ):
        assert not any(hooks.values())


def test_lane_routes_are_flask_routes(lane: Flask) -> None:
    assert isinstance(lane.wsgi_app, FastLane)
    adapter = lane.url_map.bind("localhost")
    for method, path in lane.wsgi_app.routes:
        endpoint, _ = adapter.match(path, method=method)
        assert endpoint == "inbox.sms_mo"


def test_host_and_origin_checks_are_made(lane: Flask, flask_only: Flask) -> None:
    """A request ``_check_site`` would refuse is handed to Flask, which refuses it."""
    seen = spy_on_flask(lane)
    for headers, status in (
        ({"Host": "evil.example"}, "421 MISDIRECTED REQUEST"),
        ({"Origin": "http://evil.example"}, "403 FORBIDDEN"),
        ({"Sec-Fetch-Site": "cross-site"}, "403 FORBIDDEN"),
    ):
        refused = _send(lane, BODIES["plain"], headers=headers)
        assert refused == _send(flask_only, BODIES["plain"], headers=headers)
        assert refused[0] == status
    assert seen == [PATH] * 3
    assert lane.extensions["mockserver"].postbacks() == []
