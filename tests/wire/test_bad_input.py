"""Bad input to parse and render: a clear exception with a message, never a hang."""

from __future__ import annotations

import pytest

from mockserver import wire

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><TEXT>&lol4;</TEXT></POSTBACK>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><TEXT>&xxe;</TEXT></POSTBACK>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE POSTBACK SYSTEM "http://127.0.0.1:9/evil.dtd">
<POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE></POSTBACK>"""


@pytest.mark.parametrize(
    "payload", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"]
)
def test_unsafe_xml_is_refused(payload: bytes) -> None:
    with pytest.raises(wire.UnsafeXMLError, match="refused unsafe XML"):
        wire.parse(payload)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty body"),
        (b"hello", "neither XML nor JSON"),
        (b"<POSTBACK><ORIGIN>", "not well-formed XML"),
        (b"<RESPONSE><STATUS>Success</STATUS></RESPONSE>", "root element is <RESPONSE>"),
        (b"<POSTBACK><TO>1</TO></POSTBACK>", "has no <ORIGIN> and <CODE>"),
        (b'{"origin": "SMS_MO"', "invalid JSON"),
        (b"[1, 2]", "is an object"),
        (b'{"code": "N211"}', 'needs "origin" and "code"'),
        (b"\xff\xfe<POSTBACK/>", "not UTF-8"),
        (b"xml=", "empty body"),
        (b"a=1", "no 'xml' field"),
    ],
)
def test_not_a_postback(body: bytes, message: str) -> None:
    content_type = "application/x-www-form-urlencoded" if body == b"a=1" else None
    with pytest.raises(wire.ParseError, match=message):
        wire.parse(body, content_type)


def test_unknown_code_names_the_closest() -> None:
    body = b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N104</CODE></POSTBACK>"
    with pytest.raises(wire.UnknownCodeError, match=r"did you mean N10[1-3]"):
        wire.parse(body)
    with pytest.raises(wire.UnknownCodeError, match="N211 exists under SMS_MO"):
        wire.parse(b'{"origin": "MMS_MO", "code": "N211"}')


def test_unknown_and_duplicate_elements() -> None:
    with pytest.raises(wire.ParseError, match="no element <COLOR>"):
        wire.parse(b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><COLOR>x</COLOR></POSTBACK>")
    dup = (
        b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE>"
        b"<MMSID>1</MMSID><MMSID>2</MMSID></POSTBACK>"
    )
    with pytest.raises(wire.ParseError, match="appears twice"):
        wire.parse(dup)
    with pytest.raises(wire.ParseError, match="list of"):
        wire.parse(b'{"origin": "MMS_MO", "code": "N401", "content": ["http://x"]}')


def test_oversized_body_is_refused_without_parsing() -> None:
    with pytest.raises(wire.ParseError, match="over the"):
        wire.parse(b"<" + b"a" * (wire.parse.__globals__["MAX_BODY"] + 1))


def test_bundle_needs_parse_bundle_when_several() -> None:
    pb = wire.Postback("SMS_MO", "N211", {"FROM": "1", "TO": "2", "TEXT": "hi", "RECEIVED": "r"})
    body = wire.render_bundle([wire.BundleEntry(pb, str(i), "c") for i in range(3)])
    with pytest.raises(wire.ParseError, match="use parse_bundle"):
        wire.parse(body)
    assert len(wire.parse_many(body)) == 3
    with pytest.raises(wire.FieldError, match="1 to 300"):
        wire.render_bundle([wire.BundleEntry(pb, str(i), "c") for i in range(301)])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: wire.render("N104", {}), wire.UnknownCodeError, "did you mean"),
        (
            lambda: wire.render("N201", {"TRAKINGID": "x"}),
            wire.FieldError,
            "did you mean TRACKINGID",
        ),
        (lambda: wire.render("N201", {}, "sinch-xml"), wire.FlavorError, "no sinch-xml form"),
        (lambda: wire.render("N201", {}, "skycore"), wire.FlavorError, "unknown flavour"),
        (
            lambda: wire.render("N401", {}, "sinch-json", body_mode="form"),
            wire.FlavorError,
            "raw JSON",
        ),
        (lambda: wire.render("N101", {}, quirks=["unclosed"]), wire.QuirkError, "did you mean"),
        (
            lambda: wire.render("N401", {"CONTENT": "http://x"}),
            wire.FieldError,
            "list of file URLs",
        ),
        (lambda: wire.render("N201", {"TO": None}), wire.FieldError, "must be text"),
        (
            lambda: wire.render("N201", {"ORIGIN": "MMS_MT"}),
            wire.UnknownCodeError,
            "exists under SMS_MT",
        ),
    ],
)
def test_render_errors_say_what_and_how(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_all_errors_are_value_errors() -> None:
    assert issubclass(wire.WireError, ValueError)
    for cls in (wire.ParseError, wire.UnsafeXMLError, wire.FieldError, wire.UnknownCodeError):
        assert issubclass(cls, wire.WireError)
