"""Timestamp formats per flavour (PLATFORM.md section 2.5).

Values given as text are sent as they are; these formatters apply to ``datetime`` values.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

#: The simulated platform's clock: North-American local time, as every example shows
#: (PLATFORM.md 2.5); a fixed offset keeps seeded runs identical whatever the date.
PLATFORM_TZ = timezone(timedelta(hours=-5))

#: flavour (or "legacy" for the SKY-LEGACY bundle) -> style
STYLES = {"skycore-xml": "iso", "sinch-xml": "iso", "sinch-json": "json", "legacy": "legacy"}


def _offset(value: datetime, colon: bool = True, hour_only: bool = False) -> str:
    delta = value.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    if hour_only and mins == 0:
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}:{mins:02d}" if colon else f"{sign}{hours:02d}{mins:02d}"


def aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the simulator never guesses a local zone)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def platform_time(epoch: float, style: str = "iso") -> str:
    """The platform clock's ``epoch`` seconds as the flavour prints them: local time for the
    XML flavours, UTC for JSON (as the JSON documents show)."""
    zone = UTC if style == "json" else PLATFORM_TZ
    return format_time(datetime.fromtimestamp(epoch, zone), style)


def format_time(value: datetime, style: str = "iso") -> str:
    """``iso``: ``2013-11-05T05:41:08-05:00``; ``json``: ISO seconds, ``Z`` for UTC;
    ``legacy``: ``2011-09-28 17:31:02.278751-04``."""
    value = aware(value)
    if style == "iso":
        return value.strftime("%Y-%m-%dT%H:%M:%S") + _offset(value)
    if style == "json":
        if not value.utcoffset():
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.strftime("%Y-%m-%dT%H:%M:%S") + _offset(value)
    if style == "legacy":
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") + _offset(value, hour_only=True)
    raise ValueError(f"unknown timestamp style {style!r}; choose iso, json or legacy")
