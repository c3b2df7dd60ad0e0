"""parse(render(x)) == x for every code in every flavour that documents it."""

from __future__ import annotations

import json
from urllib.parse import unquote_plus

import pytest

from mockserver import wire
from mockserver.wire.catalog import CATALOG
from mockserver.wire.samples import documented_cases as cases
from mockserver.wire.samples import example_fields as full_fields
from tests import conformance

CASES = [
    (key, form, status, mode)
    for key, form, status in cases()
    for mode in (("raw",) if form == "sinch-json" else ("raw", "form"))
]


def flavor_of(form: str) -> tuple[str, str | None]:
    """A form as the (flavour, revision) that renders it."""
    return ("skycore-xml", form) if form.startswith("sky-") else (form, None)


@pytest.mark.parametrize(
    ("key", "form", "status", "body_mode"), CASES, ids=["-".join(map(str, c)) for c in CASES]
)
def test_round_trip(key: str, form: str, status: str | None, body_mode: str) -> None:
    entry = CATALOG[key]
    flavor, revision = flavor_of(form)
    fields = full_fields(entry, form, status)
    body = wire.render(
        entry.code,
        {"ORIGIN": entry.origin, **fields},
        flavor,
        revision=revision,
        body_mode=body_mode,
    )
    conformance.check(body, form)  # written wholly in its form: nothing from another leaks in
    if form == "sky-legacy":
        raw = body if body_mode == "raw" else unquote_plus(body.decode()[4:]).encode()
        parsed = wire.parse_bundle(raw)[0].postback
        assert parsed.flavor == "skycore-legacy"
    else:
        parsed = wire.parse(body, wire.content_type(flavor, body_mode))
        assert parsed.flavor == flavor
    assert (parsed.origin, parsed.code) == (entry.origin, entry.code)
    assert parsed.fields == fields


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_layout_order_is_kept(key: str) -> None:
    entry = CATALOG[key]
    for form in entry.forms:
        flavor, revision = flavor_of(form)
        fields = full_fields(entry, form)
        body = wire.render(
            entry.code, {"ORIGIN": entry.origin, **fields}, flavor, revision=revision
        ).decode()
        names = [entry.wire_name(n, flavor) for n in fields]
        if form == "sky-legacy":  # the legacy bundle prints TEXT as KEYWORD (seed 000)
            names = ["KEYWORD" if n == "TEXT" else n for n in names]
        if flavor == "sinch-json":
            keys = list(json.loads(body))
            assert keys[:2] == ["origin", "code"]
            assert [k for k in keys[2:] if k in names] == names
        else:
            positions = [body.index(f"<{name}") for name in names]
            assert positions == sorted(positions), f"{key} {flavor} out of order"


def test_every_documented_code_is_catalogued() -> None:
    expected = {
        "SMS_MT": {"N201", "E201", "N202", "E202"},
        "MMS_MT": {"N101", "N102", "N202", "E202", "E101", "E102", "N103", "N501", "N502", "E501",
                   "E502", "N003", "E002", "E003", "E004", "N013", "E011", "E012", "E013"},
        "SMS_MO": {"N211"},
        "MMS_MO": {"N401"},
    }  # fmt: skip
    for origin, codes in expected.items():
        assert {e.code for e in CATALOG.values() if e.origin == origin} == codes


def test_required_defaults_and_strict_mode() -> None:
    body = wire.render("N201", {"TO": "1", "TRACKINGID": "t", "SPID": "s", "TIMESTAMP": "x"})
    assert wire.parse(body).fields["STATUS"] == "Message Sent"
    with pytest.raises(wire.FieldError, match="needs field TRACKINGID"):
        wire.render("N201", {"TO": "1"}, strict=True)
    loose = wire.parse(wire.render("N201", {"TO": "1"})).fields
    assert "TRACKINGID" not in loose
    assert loose["TIMESTAMP"]  # time nodes default to now


def test_optional_fields_are_left_out() -> None:
    body = wire.render("N101", {"MMSID": "1", "TO": "2", "TRACKINGID": "t", "SPID": "s"}).decode()
    assert "<FROM>" not in body
    assert "<STATUSDETAILS>" not in body


def test_sinch_status_spelling_and_json_short_statuses() -> None:
    fields = {"ORIGIN": "MMS_MT", "STATUS": "Message Sent/NotSupported", "MMSID": "1", "TO": "2",
              "TRACKINGID": "t", "SPID": "s"}  # fmt: skip
    assert b"Message Sent/Not Supported" in wire.render("E102", fields, "sinch-xml")
    data = json.loads(
        wire.render("E102", {**fields, "STATUS": "Message Sent/Rejected"}, "sinch-json")
    )
    assert (data["status"], data["status-details"]) == ("Rejected", "Message Rejected")
    sms = json.loads(wire.render("E202", {"ORIGIN": "SMS_MT", "TO": "1"}, "sinch-json"))
    assert sms["status"] == "Rejected"
    assert "status-details" not in sms
