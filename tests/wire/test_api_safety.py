"""Hostile requests are Failure replies: no entity expanded, nothing fetched, nothing raised
but ApiFailure, and never a hang (property tests with bounded sizes)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mockserver.wire.api import (
    ACTIONS,
    API_DIALECTS,
    API_ERRORS,
    REVISIONS,
    ApiFailure,
    ApiRequest,
    parse_request,
    render_reply,
)

XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE REQUEST [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>k</API_KEY><TO>15551234888</TO>"
    "<FROM>60856</FROM><TEXT>&x;</TEXT></REQUEST>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]><REQUEST><ACTION>getMmsIds</ACTION><API_KEY>&lol9;</API_KEY></REQUEST>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE REQUEST SYSTEM "http://127.0.0.1:9/evil.dtd">'
    "<REQUEST><ACTION>getMmsIds</ACTION><API_KEY>k</API_KEY></REQUEST>"
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE REQUEST [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>'
    "<REQUEST><ACTION>getMmsIds</ACTION><API_KEY>k</API_KEY></REQUEST>"
)
SINCH_XXE = (
    '<!DOCTYPE request [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<request><action>saveMMS</action><api-key>&x;</api-key></request>"
)
ATTACKS = [XXE_FILE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY]


def _refused(call: object) -> ApiFailure:
    with pytest.raises(ApiFailure) as caught:
        call()  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize("document", ATTACKS)
@pytest.mark.parametrize("shape", ["raw", "form-xml", "urlencoded-body", "query"])
def test_dtds_and_entities_are_refused_in_every_shape(document: str, shape: str) -> None:
    calls = {
        "raw": lambda: parse_request("POST", {}, {}, document.encode(), "text/xml"),
        "form-xml": lambda: parse_request("POST", {}, {"xml": document}, b""),
        "urlencoded-body": lambda: parse_request(
            "POST", {}, {}, f"xml={quote_plus(document)}".encode(), None
        ),
        "query": lambda: parse_request("GET", {"xml": document}, {}, b""),
    }
    failure = _refused(calls[shape])
    assert failure.code == "E108"
    assert "root:" not in failure.info
    assert "lollol" not in failure.info
    reply, _ = render_reply(failure)
    assert b"<ERRORCODE>E108</ERRORCODE>" in reply
    assert b"DTDs, entities and external references are not allowed" in reply


def test_sinch_xml_refuses_entities_too() -> None:
    failure = _refused(lambda: parse_request("POST", {}, {}, SINCH_XXE.encode(), None, "sinch-xml"))
    assert failure.code == "E108"


def test_deep_nesting_is_harmless() -> None:
    deep = "<a>" * 200_000 + "</a>" * 200_000
    document = (
        "<REQUEST><ACTION>sendSavedMMS</ACTION><API_KEY>k</API_KEY><MMSID>1</MMSID>"
        f"<TO>15551234888</TO><FROM>60856</FROM><DATA><X>{deep}</X></DATA>{deep}</REQUEST>"
    )
    request = parse_request("POST", {}, {}, document.encode(), None)
    assert request.data["X"] == ""


def test_deep_json_is_a_failure() -> None:
    body = b'{"action": "savemms", "data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert _refused(lambda: parse_request("POST", {}, {}, body, None, "sinch-json")).code == "E100"


# --- property tests ------------------------------------------------------------------------

XMLISH = st.sampled_from(
    [
        "<REQUEST>",
        "</REQUEST>",
        "<ACTION>sendSMS</ACTION>",
        "<ACTION>saveMMS</ACTION>",
        "<API_KEY>k</API_KEY>",
        "<TO>15551234888</TO>",
        "<FROM>60856</FROM>",
        "<TEXT>t</TEXT>",
        "<SLIDE>",
        "</SLIDE>",
        "<IMAGE><URL>http://x.test/i.png</URL></IMAGE>",
        "<CONTENT><SEQUENCE>",
        "</SEQUENCE></CONTENT>",
        "<CUSTOMTEXT><VALUE>v</VALUE><SLIDE>1</SLIDE></CUSTOMTEXT>",
        "<DATA><A>b</A></DATA>",
        "<!DOCTYPE x>",
        "&amp;",
        "&x;",
        "<?xml version='1.0'?>",
        "<request>",
        "<action>sendMMS</action>",
        "{",
        '"action": "savemms"',
        "]",
        "xml=",
        "%3CREQUEST%3E",
        "\x00",
        "\ufeff",
    ]
)
BODY_TEXT = st.lists(st.one_of(XMLISH, st.text(max_size=20)), max_size=25).map("".join)
BODIES = st.one_of(st.binary(max_size=300), BODY_TEXT.map(lambda t: t.encode("utf-8", "replace")))
NAMES = st.one_of(
    st.sampled_from(
        [
            "action",
            "api_key",
            "to",
            "from",
            "text",
            "mmsid",
            "xml",
            "XML",
            "customtext_1",
            "data_x",
            "tocampaign",
            "mmsinboxid",
            "barcodeid",
            "spid",
            "user",
            "pass",
            "x-api-key",
        ]
    ),
    st.text(max_size=12),
)
VALUES = st.one_of(
    st.sampled_from(
        [
            "sendsms",
            "saveMMS",
            "sendSavedMMS",
            "getmmsids",
            "15551234888",
            "60856",
            "35674",
            "MMS_MO_iG7Ksa31",
            "<REQUEST><ACTION>getMmsIds</ACTION></REQUEST>",
            "",
        ]
    ),
    st.text(max_size=30),
)
FIELDS = st.dictionaries(NAMES, VALUES, max_size=8)
CONTENT_TYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=b",
            "text/xml",
            "application/json",
            "text/plain",
        ]
    ),
    st.text(max_size=20),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "post"]),
    query=FIELDS,
    form=FIELDS,
    body=BODIES,
    content_type=CONTENT_TYPES,
    dialect=st.sampled_from(API_DIALECTS),
    revision=st.sampled_from(REVISIONS),
    headers=FIELDS,
)
def test_any_request_parses_or_fails_cleanly(
    method: str,
    query: dict[str, str],
    form: dict[str, str],
    body: bytes,
    content_type: str | None,
    dialect: str,
    revision: str,
    headers: dict[str, str],
) -> None:
    result = outcome(
        lambda: parse_request(
            method, query, form, body, content_type, dialect, headers=headers, revision=revision
        )
    )
    check_outcome(result, dialect, revision)


def outcome(call: Callable[[], ApiRequest]) -> ApiRequest | ApiFailure:
    """The parsed request, or the ApiFailure; anything else propagates and fails the test."""
    try:
        return call()
    except ApiFailure as failure:
        return failure


def check_outcome(result: ApiRequest | ApiFailure, dialect: str, revision: str) -> None:
    event(result.action if isinstance(result, ApiRequest) else result.code)
    if isinstance(result, ApiRequest):
        assert result.action in ACTIONS
        assert result.dialect == dialect
        return
    assert result.code in API_ERRORS
    reply, _ = render_reply(result, dialect, revision)
    if dialect == "sinch-json":
        assert json.loads(reply)["status"] == "Failure"
    else:
        root = ET.fromstring(reply)
        assert root[0].text == "Failure"
        assert root[1].text == result.code


REQUEST_PIECES = st.lists(XMLISH, min_size=1, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(document=REQUEST_PIECES, dialect=st.sampled_from(["skycore", "sinch-xml"]))
def test_request_like_documents_parse_or_fail_cleanly(document: str, dialect: str) -> None:
    result = outcome(lambda: parse_request("POST", {}, {}, document.encode(), None, dialect))
    check_outcome(result, dialect, "sky-a")


PARAM_VALUES = st.sampled_from(
    ["15551234888", "60856", "35674", "332", "MMS_MO_iG7Ksa31", "0001470", "x", "", " ", "<b>"]
)
SLIDE_PIECES = st.lists(
    st.sampled_from(
        [
            "<IMAGE><URL>http://x.test/i.png</URL></IMAGE>",
            "<AUDIO><URL>http://x.test/a.mp3</URL></AUDIO>",
            "<VIDEO><URL>https://x.test/v.mp4</URL></VIDEO>",
            "<PDF><URL>http://x.test/d.pdf</URL></PDF>",
            "<TEXT>hello</TEXT>",
            "<DURATION>7</DURATION>",
            "<DURATION>99</DURATION>",
            "<IMAGE><URL>nope</URL></IMAGE>",
        ]
    ),
    max_size=4,
).map(lambda parts: "<SLIDE>" + "".join(parts) + "</SLIDE>")


@st.composite
def structured_requests(draw: st.DrawFn) -> tuple[str, bytes]:
    """Requests close to valid ones: a real action in any case, real parameter names."""
    action = draw(st.sampled_from(ACTIONS))
    action = draw(st.sampled_from([action, action.lower(), action.upper()]))
    names = [
        "TO",
        "FROM",
        "TEXT",
        "MMSID",
        "TOCAMPAIGN",
        "BARCODEID",
        "MMSINBOXID",
        "SUBJECT",
        "NAME",
        "OPERATORID",
        "CAMPAIGNREF",
    ]
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    params = "".join(f"<{n}>{escape(draw(PARAM_VALUES))}</{n}>" for n in chosen)
    slides = "".join(draw(st.lists(SLIDE_PIECES, max_size=3)))
    dialect = draw(st.sampled_from(["skycore", "sinch-xml"]))
    if dialect == "sinch-xml":
        params += "<SERVICEID>1</SERVICEID><FALLBACKSMSTEXT>f</FALLBACKSMSTEXT>"
    document = f"<REQUEST><ACTION>{action}</ACTION><API_KEY>k</API_KEY>{params}{slides}</REQUEST>"
    if dialect == "sinch-xml":
        document = document.replace("REQUEST>", "request>")
    return dialect, document.encode()


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


@settings(max_examples=400, deadline=None)
@given(case=structured_requests())
def test_near_valid_requests_parse_or_fail_cleanly(case: tuple[str, bytes]) -> None:
    dialect, body = case
    result = outcome(lambda: parse_request("POST", {}, {}, body, None, dialect))
    check_outcome(result, dialect, "sky-b")
