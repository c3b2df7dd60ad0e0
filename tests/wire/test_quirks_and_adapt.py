"""Each verbatim quirk reproduces its document's mistake; adapt picks each flavour's codes."""

from __future__ import annotations

import json

import pytest

from mockserver import wire
from mockserver.wire.quirks import QUIRKS

MT = {"MMSID": "39755", "TO": "16502424956", "TRACKINGID": "TU1TXzU5Nzg3Nw==", "SPID": "0001140"}
SMS = {
    "FROM": "60856",
    "FROM_MASK": "",
    "TO": "1",
    "TRACKINGID": "t",
    "SPID": "s",
    "TIMESTAMP": "x",
}
MO = {"FROM": "1", "TO": "2", "TRACKINGID": "MMS_MO_iLnCRrL6", "TIMESTAMP": "x", "CONTENT": ["u"]}
BUNDLE = [
    wire.BundleEntry(
        wire.Postback("SMS_MO", "N211", {"FROM": "1", "TO": "2", "TEXT": "STOP", "RECEIVED": "r"}),
        "264",
        "2011-09-28 17:31:02.835577-04",
    )
]


def render(code: str, fields: dict[str, object], flavor: str = "skycore-xml", *quirks: str) -> str:
    """The sky-b revision: the one whose documents have FROM_MASK (its typo's home)."""
    return wire.render(code, fields, flavor, revision="sky-b", quirks=quirks).decode()


def bundle(*quirks: str) -> str:
    return wire.render_bundle(BUNDLE, quirks=quirks).decode()


CHECKS = {
    "unclosed-statusdetails": lambda: (
        "<STATUSDETAILS>oops\n</POSTBACK>"
        in render("E101", {**MT, "STATUSDETAILS": "oops"}, "skycore-xml", "unclosed-statusdetails")
    ),
    "reopened-statusdetails": lambda: (
        "<STATUSDETAILS>oops<STATUSDETAILS>"
        in render("E101", {**MT, "STATUSDETAILS": "oops"}, "skycore-xml", "reopened-statusdetails")
    ),
    "from-mask-double-open": lambda: (
        "<FROM_MASK><FROM_MASK>" in render("N201", SMS, "skycore-xml", "from-mask-double-open")
    ),
    "xsi-trailing-space": lambda: (
        'XMLSchema-instance" \nxsi:'
        in wire.render("N201", SMS, quirks=["xsi-trailing-space"]).decode()
    ),
    "typographic-quotes": lambda: (
        "id=\u201d264\u2033 created=\u201d" in bundle("typographic-quotes")
    ),
    "attrs-no-space": lambda: 'id="264"created="' in bundle("attrs-no-space"),
    "sinch-expired-comma": lambda: (
        "<status>Message,Sent/Expired</status>"
        in render(
            "E102", {**MT, "STATUS": "Message Sent/Expired"}, "sinch-xml", "sinch-expired-comma"
        )
    ),
    "json-missing-comma": lambda: (
        '"message-subject":"Hi""content"'
        in render("N401", {**MO, "SUBJECT": "Hi"}, "sinch-json", "json-missing-comma")
    ),
    "sinch-uppercase-save": lambda: (
        "<POSTBACK>\n  <ORIGIN>MMS_MT</ORIGIN>\n  <CODE>N003</CODE>"
        in render("N003", {"MMSID": "1"}, "sinch-xml", "sinch-uppercase-save")
    ),
}


def test_every_quirk_is_checked() -> None:
    assert set(CHECKS) == set(QUIRKS)


@pytest.mark.parametrize("name", sorted(QUIRKS))
def test_quirk_does_what_it_says(name: str) -> None:
    assert CHECKS[name]()


def test_defaults_are_well_formed_without_quirks() -> None:
    assert "</STATUSDETAILS>" in render("E101", {**MT, "STATUSDETAILS": "oops"})
    assert "<FROM_MASK></FROM_MASK>" in render("N201", SMS)
    assert 'id="264" created="' in bundle()
    json.loads(render("N401", {**MO, "SUBJECT": "Hi"}, "sinch-json"))
    assert "<status>Message Sent/Expired</status>" in render(
        "E102", {**MT, "STATUS": "Message Sent/Expired"}, "sinch-xml"
    )


def test_uppercase_save_still_parses_back() -> None:
    body = wire.render(
        "E002", {"MMSID": "1", "AUDIONAME": "a.mp3"}, "sinch-xml", quirks=["sinch-uppercase-save"]
    )
    assert wire.parse(body).fields == {"MMSID": "1", "AUDIONAME": "a.mp3"}


def test_adapt_link_receipt_per_flavour() -> None:
    receipt = wire.Postback(
        "MMS_MT",
        "N202",
        {"SENTAS": "SMS", "STATUS": "Message Sent/Delivered", "MMSID": "1", "TO": "2"},
    )
    assert wire.adapt(receipt, "skycore-xml").code == "N202"
    for flavor in ("sinch-xml", "sinch-json"):
        adapted = wire.adapt(receipt, flavor)
        assert (adapted.code, adapted.fields["SENTAS"], adapted.flavor) == ("N102", "SMS", flavor)
        assert "MMSID" not in adapted.fields
    sms_dlr = wire.Postback("SMS_MT", "N202", {"STATUS": "Message Sent/Delivered"})
    assert wire.adapt(sms_dlr, "sinch-json").code == "N202"


def test_adapt_expiry_is_n103_in_json_only() -> None:
    expired = wire.Postback("MMS_MT", "E102", {"STATUS": "Message Sent/Expired", **MT})
    assert wire.adapt(expired, "sinch-json").code == "N103"
    assert wire.adapt(expired, "sinch-xml").code == "E102"
    body = wire.render_postback(wire.adapt(expired, "sinch-json"))
    assert json.loads(body)["status"] == "Expired"
