"""Property: no request body, header or query string makes the platform API answer a 500 or
hang. Every answer is HTTP 200 with a Success or Failure reply in the route's dialect."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.app import create_app
from tests.sends.conftest import SINCH_JSON, SINCH_XML, SKY, SKY_DIR, make_platform

PATHS = (SKY, SKY_DIR, SINCH_XML, SINCH_JSON)
TAGS = ("REQUEST", "ACTION", "API_KEY", "TO", "FROM", "TEXT", "MMSID", "SLIDE", "IMAGE", "URL",
        "NAME", "SUBJECT", "request", "action", "api-key", "slide", "mms-id")  # fmt: skip
ACTIONS = ("sendSMS", "saveMMS", "sendMMS", "sendSavedMMS", "sendSavedMMSCampaign",
           "sendMMSBarcode", "getMmsIds", "removeMMSInboxMessage", "sendsms", "x")  # fmt: skip
text = st.text(max_size=40)


@st.composite
def xml_bodies(draw: st.DrawFn) -> bytes:
    def element(depth: int) -> str:
        tag = draw(st.sampled_from(TAGS))
        if depth > 2 or draw(st.booleans()):
            inner = draw(st.one_of(text, st.sampled_from(ACTIONS), st.from_regex(r"\d{1,16}")))
            inner = inner.replace("<", "&lt;") if draw(st.booleans()) else inner
        else:
            inner = "".join(element(depth + 1) for _ in range(draw(st.integers(0, 4))))
        return f"<{tag}>{inner}</{tag}>"

    doc = element(0)
    if draw(st.booleans()):
        doc = (
            "<REQUEST><ACTION>" + draw(st.sampled_from(ACTIONS)) + "</ACTION>" + doc + "</REQUEST>"
        )
    return doc.encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
json_bodies = st.builds(
    lambda action, extra: json.dumps({"action": action, **extra}).encode(),
    st.sampled_from([a.lower() for a in ACTIONS]),
    st.dictionaries(st.sampled_from(["to", "from", "mms-id", "slide", "name", "service-id",
                                     "fallback-sms-text", "message-subject"]), json_values),
)  # fmt: skip
bodies = st.one_of(st.binary(max_size=300), xml_bodies(), json_bodies,
                   st.builds(lambda b: b"xml=" + b, xml_bodies()))  # fmt: skip
headers = st.dictionaries(
    st.sampled_from(["Content-Type", "x-api-key", "Content-Encoding", "Accept", "X-Other"]),
    st.one_of(st.sampled_from(["application/x-www-form-urlencoded", "text/xml",
                               "multipart/form-data; boundary=zz", "application/json",
                               "multipart/form-data"]),
              st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)),
    max_size=3,
)  # fmt: skip
queries = st.dictionaries(
    st.sampled_from(["action", "api_key", "to", "from", "text", "mmsid", "xml", "customtext_1",
                     "data_name", "tocampaign", "mmsinboxid", "spid", "weird key"]),
    st.one_of(text, st.sampled_from(ACTIONS)),
    max_size=6,
)  # fmt: skip


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    platform = make_platform(api_magic_numbers=False, api_max_bytes=4096)
    yield create_app(platform=platform)
    platform.close()


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(path=st.sampled_from(PATHS), method=st.sampled_from(["GET", "POST"]), body=bodies,
       header=headers, query=queries)  # fmt: skip
def test_never_a_500_nor_a_hang(
    app: Flask, path: str, method: str, body: bytes, header: dict[str, str],
    query: dict[str, str],
) -> None:  # fmt: skip
    client = app.test_client()
    data = body if method == "POST" else None
    reply = client.open(path, method=method, data=data, headers=header, query_string=query)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    text_reply = reply.get_data(as_text=True)
    if path == SINCH_JSON:
        assert json.loads(text_reply)["status"] in ("Success", "Failure")
    else:
        assert "<STATUS>" in text_reply.upper()
