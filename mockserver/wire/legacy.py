"""SKY-LEGACY bodies: before 2013-11 every notification travelled as
``<NOTIFICATION id created>`` with ORIGIN, CODE and a BODY, bundled in one ``<POSTBACK>``.

In the legacy MT bodies STATUS is an empty element whose attributes carry the state
(PLATFORM.md 4.12): ``celly`` is the internal status number of Appendix C (20 delivered,
30 expired, 35 rejected) with the MM7 ``provider`` code, and the SMS receipt carries the SMS
protocol and status numbers. Only the delivered forms are printed in the documents; the
expired and rejected attribute values are inferred from Appendix C (the simulator's choice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from mockserver.wire.entry import PostbackType
from mockserver.wire.errors import FieldError
from mockserver.wire.model import BundleEntry, Postback
from mockserver.wire.timefmt import format_time

#: (origin, STATUS text) -> the attributes of the legacy STATUS element, in printed order
STATUS_ATTRIBUTES: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("MMS_MT", "Message Sent/Delivered"): (
        ("celly", "20"), ("provider", "1000"), ("text", "Retrieved"), ("description", ""),
    ),
    ("MMS_MT", "Message Sent/Expired"): (
        ("celly", "30"), ("provider", "1000"), ("text", "Expired"), ("description", ""),
    ),
    ("MMS_MT", "Message Sent/Rejected"): (
        ("celly", "35"), ("provider", "1000"), ("text", "Rejected"), ("description", ""),
    ),
    ("SMS_MT", "Message Sent/Delivered"): (("protocole", "3"), ("status", "1")),
}  # fmt: skip


def status_element(origin: str, status: str) -> str:
    """``<STATUS celly="20" .../>`` for a STATUS text; FieldError if none is documented."""
    attributes = STATUS_ATTRIBUTES.get((origin, status))
    if attributes is None:
        known = [s for o, s in STATUS_ATTRIBUTES if o == origin]
        raise FieldError(
            f"{origin} status {status!r} has no sky-legacy form; documented: {', '.join(known)}"
        )
    return "<STATUS " + " ".join(f'{k}="{v}"' for k, v in attributes) + "/>"


def status_back(origin: str, attributes: Mapping[str, str]) -> str | None:
    """The STATUS text of a parsed legacy STATUS element (None if not one of ours)."""
    for (o, status), attrs in STATUS_ATTRIBUTES.items():
        if o == origin and all(attributes.get(k) == v for k, v in attrs[:2]):
            return status
    return None


def render_single(
    entry: PostbackType,
    fields: Mapping[str, object],
    quirks: Iterable[str],
    now: datetime | None,
    body_mode: str,
    invalid_chars: str,
) -> bytes:
    """One notification as a bundle of one, numbered 1 and created ``now`` (pass several
    notifications to ``render_bundle`` to number them yourself)."""
    from mockserver.wire.bundle import render_bundle

    values = {k: v for k, v in fields.items() if k not in ("ORIGIN", "CODE")}
    postback = Postback(entry.origin, entry.code, values)  # type: ignore[arg-type]
    created = format_time(now or datetime.now().astimezone(), "legacy")
    return render_bundle(
        [BundleEntry(postback, "1", created)],
        quirks=quirks,
        now=now,
        body_mode=body_mode,
        invalid_chars=invalid_chars,
    )
