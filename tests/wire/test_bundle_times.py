"""render_bundle takes datetimes where docs/wire.md says it does: BundleEntry.created and the
time fields, both written in the legacy style (PostgreSQL text: space, microseconds, hour
offset), as seed 000 prints them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mockserver import wire

EDT = timezone(timedelta(hours=-4))
CREATED = datetime(2011, 9, 28, 17, 31, 2, 835577, tzinfo=EDT)
RECEIVED = datetime(2011, 9, 28, 17, 31, 2, 278751, tzinfo=EDT)


def _sms(received: object) -> wire.Postback:
    fields = {"FROM": "16315551234", "TO": "60856", "TEXT": "STOP", "RECEIVED": received}
    return wire.Postback("SMS_MO", "N211", fields)  # type: ignore[arg-type]


def test_datetimes_are_written_as_the_seed_writes_them() -> None:
    body = wire.render_bundle([wire.BundleEntry(_sms(RECEIVED), "264", CREATED)]).decode()
    assert '<NOTIFICATION id="264" created="2011-09-28 17:31:02.835577-04">' in body
    assert "<RECEIVED>2011-09-28 17:31:02.278751-04</RECEIVED>" in body
    text = wire.render_bundle(
        [
            wire.BundleEntry(
                _sms("2011-09-28 17:31:02.278751-04"), "264", "2011-09-28 17:31:02.835577-04"
            )
        ]
    ).decode()
    assert body == text
    (entry,) = wire.parse_bundle(body.encode())
    assert entry.created == "2011-09-28 17:31:02.835577-04"
    assert entry.postback.fields["RECEIVED"] == "2011-09-28 17:31:02.278751-04"


def test_mms_mo_timestamp_and_other_offsets() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    stamp = datetime(2012, 6, 7, 7, 27, 29, tzinfo=ist)
    fields = {"FROM": "1", "TO": "2", "TRACKINGID": "MMS_MO_ABCDEFGH", "TIMESTAMP": stamp,
              "CONTENT": ["http://x/1"]}  # fmt: skip
    postback = wire.Postback("MMS_MO", "N401", fields)  # type: ignore[arg-type]
    naive = datetime(2012, 6, 7, 12, 0)  # naive: taken as UTC
    body = wire.render_bundle([wire.BundleEntry(postback, "1", naive)]).decode()
    assert 'created="2012-06-07 12:00:00.000000+00"' in body
    assert "<TIMESTAMP>2012-06-07 07:27:29.000000+05:30</TIMESTAMP>" in body


def test_a_missing_time_is_now_in_the_legacy_style() -> None:
    postback = wire.Postback("SMS_MO", "N211", {"FROM": "1", "TO": "2", "TEXT": "x"})
    now = datetime(2026, 4, 24, 18, 34, 0, 5, tzinfo=UTC)
    body = wire.render_bundle([wire.BundleEntry(postback, "1", now)], now=now).decode()
    assert "<RECEIVED>2026-04-24 18:34:00.000005+00</RECEIVED>" in body
    assert 'created="2026-04-24 18:34:00.000005+00"' in body


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (wire.BundleEntry(_sms("t"), "1", 1317245462), "created must be text or a datetime"),  # type: ignore[arg-type]
        (wire.BundleEntry(_sms("t"), 1, "c"), "id must be text"),  # type: ignore[arg-type]
        (wire.BundleEntry(_sms(1.5), "1", "c"), "field RECEIVED must be text"),
    ],
)
def test_other_types_are_field_errors(entry: wire.BundleEntry, message: str) -> None:
    with pytest.raises(wire.FieldError, match=message):
        wire.render_bundle([entry])
