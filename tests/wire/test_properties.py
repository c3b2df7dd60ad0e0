"""Any text, keyword, subject or URL renders to well-formed XML / valid JSON and parses back."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import wire

#: What XML 1.0 cannot carry is replaced with U+FFFD (documented in docs/wire.md).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TRICKY = st.sampled_from(
    ["<", "&", ">", '"', "'", "]]>", "&amp;", "\r", "\r\n", "\t", "😀", "\x00", "\x1b"]
)
TEXT = st.lists(st.one_of(st.text(), TRICKY), max_size=6).map("".join)
FLAVORS = st.sampled_from(wire.FLAVORS)


def xml_safe(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def expected(value: str, flavor: str) -> str:
    return value if flavor == "sinch-json" else xml_safe(value)


def check_well_formed(body: bytes, flavor: str) -> None:
    if flavor == "sinch-json":
        json.loads(body)
    else:
        ET.fromstring(body)


@settings(max_examples=150, deadline=None)
@given(flavor=FLAVORS, keyword=TEXT, subject=TEXT, files=st.lists(TEXT, max_size=4))
def test_mms_mo_free_text_round_trips(
    flavor: str, keyword: str, subject: str, files: list[str]
) -> None:
    fields = {"FROM": "13217949521", "TO": "74700", "KEYWORD": keyword, "SUBJECT": subject,
              "TRACKINGID": "MMS_MO_iLnCRrL6", "TIMESTAMP": "2014-02-03T11:19:49-05:00",
              "CONTENT": files}  # fmt: skip
    body = wire.render("N401", fields, flavor, revision="sky-b")  # sky-a has no SUBJECT
    check_well_formed(body, flavor)
    parsed = wire.parse(body)
    assert parsed.fields["KEYWORD"] == expected(keyword, flavor)
    assert parsed.fields["SUBJECT"] == expected(subject, flavor)
    assert parsed.fields["CONTENT"] == [expected(f, flavor) for f in files]


@settings(max_examples=150, deadline=None)
@given(text=TEXT, mode=st.sampled_from(["raw", "form"]))
def test_sms_mo_text_round_trips(text: str, mode: str) -> None:
    fields = {"FROM": "1", "TO": "60856", "TEXT": text, "RECEIVED": "2012-04-16T09:05:56-04:00"}
    body = wire.render("N211", fields, body_mode=mode)
    parsed = wire.parse(body, wire.content_type("skycore-xml", mode))
    assert parsed.fields["TEXT"] == xml_safe(text)


@settings(max_examples=100, deadline=None)
@given(flavor=FLAVORS, details=TEXT)
def test_status_details_round_trip(flavor: str, details: str) -> None:
    fields = {"MMSID": "1", "TO": "2", "TRACKINGID": "t", "SPID": "s", "STATUSDETAILS": details}
    body = wire.render("E101", fields, flavor)
    check_well_formed(body, flavor)
    assert wire.parse(body).fields.get("STATUSDETAILS", "Message Failed") == expected(
        details, flavor
    )


@settings(max_examples=100, deadline=None)
@given(text=TEXT, created=TEXT)
def test_bundle_attributes_and_text_round_trip(text: str, created: str) -> None:
    postback = wire.Postback(
        "SMS_MO", "N211", {"FROM": "1", "TO": "2", "TEXT": text, "RECEIVED": "r"}
    )
    body = wire.render_bundle([wire.BundleEntry(postback, "7", created)])
    (entry,) = wire.parse_bundle(body)
    assert entry.created == xml_safe(created)
    assert entry.postback.fields["TEXT"] == xml_safe(text)


def test_invalid_characters_can_be_refused() -> None:
    fields = {"FROM": "1", "TO": "2", "TEXT": "bell\x07", "RECEIVED": "r"}
    with pytest.raises(wire.FieldError, match=r"U\+0007"):
        wire.render("N211", fields, invalid_chars="error")
    assert wire.parse(wire.render("N211", fields)).fields["TEXT"] == "bell\ufffd"
