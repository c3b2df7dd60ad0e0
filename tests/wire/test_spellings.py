"""render takes field keys in the Skycore spelling and in the Sinch flavours' own spelling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mockserver import wire
from mockserver.wire.catalog import CATALOG
from mockserver.wire.fields import canonical
from mockserver.wire.samples import documented_cases, example_fields

NOW = datetime(2026, 4, 24, 18, 34, tzinfo=UTC)


@pytest.mark.parametrize(("key", "form", "status"), documented_cases())
def test_sinch_keys_render_what_skycore_keys_render(
    key: str, form: str, status: str | None
) -> None:
    entry = CATALOG[key]
    flavor, revision = ("skycore-xml", form) if form.startswith("sky-") else (form, None)
    fields = {"ORIGIN": entry.origin, **example_fields(entry, form, status)}
    sinch = {entry.wire_name(name, "sinch-json"): value for name, value in fields.items()}
    assert set(sinch) != set(fields) - {"ORIGIN"} or key.endswith(("N003", "N013", "E011"))
    expected = wire.render(entry.code, fields, flavor, revision=revision, now=NOW)
    assert wire.render(entry.code, sinch, flavor, revision=revision, now=NOW) == expected


def test_homonyms_are_resolved_per_entry() -> None:
    mo = {"from": "16315551234", "to": "60856", "message-text": "STOP"}
    sms_mo = wire.parse(
        wire.render("N211", {**mo, "timestamp": "t1", "tracking-id": "X-1"}, revision="sky-b")
    )
    assert sms_mo.fields["RECEIVED"] == "t1"
    assert sms_mo.fields["TRANSACTIONID"] == "X-1"
    assert "TIMESTAMP" not in sms_mo.fields
    mt = {"to": "1", "operator-id": "5", "tracking-id": "T-1", "timestamp": "t2"}
    sms_mt = wire.parse(wire.render("N201", mt))
    assert (sms_mt.fields["TRACKINGID"], sms_mt.fields["TIMESTAMP"]) == ("T-1", "t2")
    json_mo = wire.render("N211", {**mo, "timestamp": "t1", "tracking-id": "X-1"}, "sinch-json")
    assert b'"tracking-id":"X-1","timestamp":"t1"' in json_mo


def test_a_sinch_key_picks_between_homonymous_entries() -> None:
    # N202 exists under SMS_MT and MMS_MT; only the MMS one has SENTAS in skycore-xml
    fields = {"to": "1", "tracking-id": "T", "operator-id": "5", "timestamp": "t"}
    assert wire.parse(wire.render("N202", {**fields, "sent-as": "SMS"})).origin == "MMS_MT"
    assert wire.parse(wire.render("N202", fields)).origin == "SMS_MT"
    assert wire.parse(wire.render("N202", {**fields, "origin": "MMS_MT"})).origin == "MMS_MT"


def test_spellings_can_be_mixed() -> None:
    body = wire.render(
        "N101",
        {"MMSID": "1", "to": "2", "TRACKINGID": "T", "operator-id": "5", "status-details": "ok"},
        now=NOW,
    )
    fields = wire.parse(body).fields
    assert (fields["MMSID"], fields["TO"], fields["SPID"], fields["STATUSDETAILS"]) == (
        "1",
        "2",
        "5",
        "ok",
    )


def test_the_same_field_in_two_spellings_is_an_error_naming_both() -> None:
    with pytest.raises(
        wire.FieldError, match="TRACKINGID is given twice, as 'TRACKINGID' and 'tracking-id'"
    ):
        wire.render("N201", {"TRACKINGID": "a", "tracking-id": "b"})
    with pytest.raises(wire.FieldError, match="given twice, as 'ORIGIN' and 'origin'"):
        wire.render("N201", {"ORIGIN": "SMS_MT", "origin": "SMS_MT", "to": "1"})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"trackng-id": "x"}, "SMS_MT/N201 has no field 'trackng-id'; did you mean tracking-id"),
        ({"operator_id": "x"}, "has no field 'operator_id'; did you mean operator-id"),
        ({"TRAKINGID": "x"}, "has no field 'TRAKINGID'; did you mean TRACKINGID"),
        ({"to": "1", "message-subject": "x"}, "has no field 'message-subject'"),
        ({"zzz": "x"}, "has no field 'zzz'; it has: "),
    ],
)
def test_an_unknown_key_is_named(fields: dict[str, object], message: str) -> None:
    with pytest.raises(wire.FieldError, match=message):
        wire.render("N201", fields)


def test_the_origin_of_sinch_keys_is_checked() -> None:
    with pytest.raises(wire.UnknownCodeError, match="exists under SMS_MT"):
        wire.render("N201", {"origin": "MMS_MT"})


def test_skycore_keys_are_passed_through_untranslated() -> None:
    entry = CATALOG["SMS_MT/N201"]
    fields = {"ORIGIN": "SMS_MT", "TO": "1", "TRACKINGID": "T"}
    assert canonical(entry, fields) is fields
    assert canonical(entry, {"to": "1"}) == {"TO": "1"}
