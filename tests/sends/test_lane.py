"""The send API's fast lane (web/api_lane.py) answers as the Flask view does, byte for byte,
and leaves the same call log, runs and postbacks behind; what it does not take goes to Flask."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from flask import Flask
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.platform import MockPlatform
from mockserver.web.platform_api import Dropped
from tests.lanes import Answer, lane_app, post, spy_on_flask
from tests.sends.conftest import SKY, SKY_DIR, SLIDES, make_platform, xml_doc

FORM = "application/x-www-form-urlencoded"
SMS = {"TO": "15551234888", "FROM": "60856", "TEXT": "Hello &amp; &lt;bye&gt; é"}


def _form(action: str, params: dict[str, str], extra: str = "") -> bytes:
    return ("xml=" + quote_plus(xml_doc(action, params, extra))).encode()


#: (path, body, content type, extra headers): what the lane takes and what it hands to Flask
REQUESTS: dict[str, tuple[str, bytes, str | None, dict[str, str]]] = {
    "form sendSMS": (SKY, _form("sendSMS", SMS), FORM, {}),
    "form sendSMS, directory path": (SKY_DIR, _form("sendSMS", SMS), FORM, {}),
    "raw sendSMS, no type": (SKY, xml_doc("sendSMS", SMS).encode(), None, {}),
    "raw sendSMS labelled a form": (SKY, xml_doc("sendSMS", SMS).encode(), FORM, {}),
    "form sendMMS": (
        SKY,
        _form("sendMMS", {"TO": "15551234888", "FROM": "60856", "SUBJECT": "s"}, SLIDES),
        FORM,
        {},
    ),
    "form saveMMS": (SKY, _form("saveMMS", {"SUBJECT": "s", "NAME": "n"}, SLIDES), FORM, {}),
    "two recipients": (
        SKY,
        _form("sendSMS", {**SMS, "TO": "15551234888,15551234777"}),
        FORM,
        {},
    ),
    "magic: expires": (SKY, _form("sendSMS", {**SMS, "TO": "15551230002"}), FORM, {}),
    "magic: replies STOP": (SKY, _form("sendSMS", {**SMS, "TO": "15551230006"}), FORM, {}),
    "magic: HTTP 429": (SKY, _form("sendSMS", {**SMS, "TO": "15551230429"}), FORM, {}),
    "magic: E114": (SKY, _form("sendSMS", {**SMS, "TO": "15551230114"}), FORM, {}),
    "form field twice": (SKY, _form("sendSMS", SMS) + b"&xml=x", FORM, {}),
    "form, upper-case field": (SKY, b"XML=" + _form("sendSMS", SMS)[4:], FORM, {}),
    "form, not UTF-8": (SKY, b"xml=\xff\xfe", FORM, {}),
    "form, bad escapes": (SKY, b"xml=%zz%", FORM, {}),
    "malformed XML": (SKY, _form("sendSMS", SMS)[:-9], FORM, {}),
    "unknown action": (SKY, _form("fly", SMS), FORM, {}),
    "empty, no length (Flask)": (SKY, b"", None, {}),
    "form with charset (Flask)": (SKY, _form("sendSMS", SMS), FORM + "; charset=utf-8", {}),
    "multipart (Flask)": (
        SKY_DIR,
        b'--b\r\nContent-Disposition: form-data; name="XML"\r\n\r\n'
        + xml_doc("sendSMS", SMS).encode()
        + b"\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
        {},
    ),
    "text/xml (Flask)": (SKY, xml_doc("sendSMS", SMS).encode(), "text/xml", {}),
    "empty content type (Flask)": (SKY, xml_doc("sendSMS", SMS).encode(), "", {}),
    "query string (Flask)": (SKY + "?action=sendsms", _form("sendSMS", SMS), FORM, {}),
    "cross-site (Flask's 403)": (
        SKY,
        _form("sendSMS", SMS),
        FORM,
        {"Origin": "http://evil.example"},
    ),
    "rebound host (Flask's 421)": (
        SKY,
        _form("sendSMS", SMS),
        FORM,
        {"Host": "evil.example"},
    ),
}
TAKEN_BY_FLASK = {name for name in REQUESTS if name.endswith(")")}


def _app(fast_lane: bool) -> Iterator[Flask]:
    yield from lane_app(fast_lane, seed=5, postback_url="http://127.0.0.1:9/postback")


@pytest.fixture
def lane() -> Iterator[Flask]:
    yield from _app(True)


@pytest.fixture
def flask_only() -> Iterator[Flask]:
    yield from _app(False)


def _send(app: Flask, name: str) -> Answer:
    path, body, content_type, headers = REQUESTS[name]
    return post(app, path, body, content_type, headers=headers)


def _state(platform: MockPlatform) -> dict[str, Any]:
    """Everything a call leaves behind: call log entries, runs with their postbacks, bodies."""
    calls = [platform.api.call_entry(c["id"]) for c in reversed(platform.api.call_log(1000))]
    runs = [platform.run(r["run_id"]) for r in reversed(platform.runs(1000))]
    rows = [platform.postback(r["id"]) for r in reversed(platform.postbacks(1000))]
    for found in (*calls, *runs):
        assert found is not None
    for run in runs:  # run ids are random (uuid4) on both sides: compare all but them
        assert run is not None
        run.pop("run_id")
    for call in calls:
        assert call is not None
        call.pop("run_ids")
    for row in rows:
        assert row is not None
        row.pop("run_id")
        for attempt in row["attempts_log"]:
            attempt.pop("latency")  # real time, even on the virtual clock
    return {"calls": calls, "runs": runs, "postbacks": rows}


def test_every_answer_and_what_it_leaves_is_the_flask_views(lane: Flask, flask_only: Flask) -> None:
    seen = spy_on_flask(lane)
    for name in REQUESTS:
        assert _send(lane, name) == _send(flask_only, name), name
    assert sorted(seen) == sorted(REQUESTS[n][0].split("?")[0] for n in TAKEN_BY_FLASK)
    ours, theirs = lane.extensions["mockserver"], flask_only.extensions["mockserver"]
    for platform in (ours, theirs):
        platform.advance(120)
    mine, flasks = _state(ours), _state(theirs)
    assert len(mine["calls"]) == len(REQUESTS) - 2  # the 403 and 421 are not API calls
    assert len(mine["postbacks"]) > 10
    assert mine == flasks


def test_debug_mode_goes_to_flask(lane: Flask, flask_only: Flask) -> None:
    seen = spy_on_flask(lane)
    lane.debug = flask_only.debug = True
    assert _send(lane, "form sendSMS") == _send(flask_only, "form sendSMS")
    assert seen == [SKY]


def test_a_dropped_connection(lane: Flask) -> None:
    platform: MockPlatform = lane.extensions["mockserver"]
    client = Client(lane, use_cookies=False)
    body = _form("sendSMS", {**SMS, "TO": "15551230444"})
    with pytest.raises(Dropped):
        client.post(SKY, data=body, content_type=FORM)
    assert platform.api.call_log(1)[0]["outcome"] == "fault"


def test_concurrent_calls_share_transactions_and_all_are_stored() -> None:
    """The group commit: 8 threads x 25 sendSMS, every call logged with its run and its
    postbacks, each TRACKINGID once."""
    with make_platform() as platform:
        app = create_app(platform=platform)
        errors: list[BaseException] = []

        def client(n: int) -> None:
            c = Client(app, use_cookies=False)
            for i in range(25):
                body = _form("sendSMS", {**SMS, "TO": f"1555{n:03d}{i:02d}99"})
                try:
                    assert c.post(SKY, data=body, content_type=FORM).status_code == 200
                except BaseException as exc:  # reported below
                    errors.append(exc)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        calls = platform.api.call_log(1000)
        assert len(calls) == 200
        assert len({c["tracking_id"] for c in calls}) == 200
        assert all(len(c["run_ids"]) == 1 for c in calls)
        assert len(platform.runs(1000)) == 200
        assert len(platform.postbacks(1000)) == 400
