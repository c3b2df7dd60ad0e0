"""A virtual-clock platform (postbacks captured in process), its app and helpers to call the
platform API over HTTP (the Flask test client) in every request shape and dialect."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform

SKY = "/API/wxml/1.3/index.php"
SKY_DIR = "/API/wxml/1.3/"
SINCH_XML = "/ep/v1/"
SINCH_JSON = "/ep/v2/"
SLIDES = (
    "<SLIDE><IMAGE><URL>http://www.example.com/images/1.jpg</URL></IMAGE>"
    "<TEXT>Here is some text</TEXT><DURATION>5</DURATION></SLIDE>"
)
AUDIO_SLIDE = "<SLIDE><AUDIO><URL>http://www.example.com/audio/1.mp3</URL></AUDIO></SLIDE>"


def make_platform(**changes: Any) -> MockPlatform:
    base = {"clock": "virtual", "data_dir": ":memory:", "seed": 11,
            "postback_url": "http://127.0.0.1:9/postback"}  # fmt: skip
    return MockPlatform(Settings(**(base | changes)))


@pytest.fixture
def platform() -> Iterator[MockPlatform]:
    with make_platform() as found:
        yield found


@pytest.fixture
def app(platform: MockPlatform) -> Flask:
    return create_app(platform=platform)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def xml_doc(action: str, params: dict[str, str], extra: str = "", key: str = "KEY") -> str:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in params.items())
    return f"<REQUEST><ACTION>{action}</ACTION><API_KEY>{key}</API_KEY>{inner}{extra}</REQUEST>"


Shape = Callable[[FlaskClient, str, dict[str, str], str], TestResponse]


def via_get(client: FlaskClient, action: str, params: dict[str, str], extra: str) -> TestResponse:
    query = {"action": action.lower(), "api_key": "KEY"} | {k.lower(): v for k, v in params.items()}
    return client.get(SKY, query_string=query)


def via_form(client: FlaskClient, action: str, params: dict[str, str], extra: str) -> TestResponse:
    body = "xml=" + quote_plus(xml_doc(action, params, extra))
    return client.post(SKY, data=body, content_type="application/x-www-form-urlencoded")


def via_multipart(
    client: FlaskClient, action: str, params: dict[str, str], extra: str
) -> TestResponse:
    return client.post(SKY_DIR, data={"XML": xml_doc(action, params, extra)},
                       content_type="multipart/form-data")  # fmt: skip


def via_raw_form_label(
    client: FlaskClient, action: str, params: dict[str, str], extra: str
) -> TestResponse:
    body = "<?xml version='1.0'?>\n" + xml_doc(action, params, extra)
    return client.post(SKY, data=body, content_type="application/x-www-form-urlencoded")


def via_raw_no_type(
    client: FlaskClient, action: str, params: dict[str, str], extra: str
) -> TestResponse:
    return client.post(SKY_DIR, data=xml_doc(action, params, extra).encode())


SHAPES: dict[str, Shape] = {"get": via_get, "form-xml": via_form, "multipart-xml": via_multipart,
                            "raw-xml-form-label": via_raw_form_label,
                            "raw-xml-no-type": via_raw_no_type}  # fmt: skip


def sky(client: FlaskClient, action: str, extra: str = "", **params: str) -> TestResponse:
    return via_form(client, action, {k.upper(): v for k, v in params.items()}, extra)


def value(response: TestResponse, name: str) -> str:
    text = response.get_data(as_text=True)
    start = text.index(f"<{name}>") + len(name) + 2
    return text[start : text.index(f"</{name}>")]


def sinch_json(client: FlaskClient, payload: dict[str, Any], key: str = "KEY") -> TestResponse:
    return client.post(SINCH_JSON, data=json.dumps(payload), headers={"x-api-key": key},
                       content_type="application/json; charset=utf-8")  # fmt: skip


def saved_mmsid(client: FlaskClient, platform: MockPlatform, extra: str = SLIDES) -> str:
    """saveMMS, then move the clock past its encoding."""
    reply = sky(client, "saveMMS", extra, subject="s", name="n")
    platform.advance(120)
    return value(reply, "MMSID")


def postbacks(platform: MockPlatform, **filters: Any) -> list[dict[str, Any]]:
    """Every postback scheduled so far, oldest first, with its fields."""
    rows = platform.postbacks(limit=10_000, **filters)
    return [found for r in reversed(rows) if (found := platform.postback(r["id"])) is not None]
