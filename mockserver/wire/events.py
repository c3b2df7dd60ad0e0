"""Events: what happened to a message, written as the chosen revision or flavour reports it.

A scenario step ``event: mms.expired`` says *what* happens; :func:`postback_for` says *how*
it is written: N102 ``Message Sent/Expired`` in sky-a (the seed documents), E102 in sky-b and
Sinch XML, N103 in Sinch JSON. A step ``postback: CODE`` is written as given instead.

Where a form's documents have no way to say an event, there is no mapping and
:class:`EventError` names the forms that do (for example the device discovery codes exist
from sky-b on). Two outcomes are mapped by the simulator's choice, not a document: sky-a has no
"not supported" status, so ``mms.undeliverable`` is its N102 ``Message Sent/Rejected``; and
it has no SMS expiry status, so ``sms.expired`` is its N202 ``Message Sent/Failed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mockserver.wire.errors import WireError
from mockserver.wire.model import Postback
from mockserver.wire.revisions import FORMS, form_of


class EventError(WireError):
    """An unknown event, or one the chosen documents have no way to write."""


@dataclass(frozen=True)
class Written:
    """How one form writes an event: origin, code and the fields it fixes."""

    origin: str
    code: str
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Event:
    name: str
    description: str
    forms: Mapping[str, Written]


_SKY = ("sky-legacy", "sky-a", "sky-b")
_ALL = FORMS
_NOT_A = ("sky-b", "sinch-xml", "sinch-json")
_SMS = ("sky-legacy", "sky-a", "sky-b", "sinch-json")


def _w(origin: str, code: str, **fields: str) -> Written:
    return Written(origin, code, MappingProxyType(fields))


def _event(name: str, description: str, *groups: tuple[tuple[str, ...], Written]) -> Event:
    forms: dict[str, Written] = {}
    for where, written in groups:
        for form in where:
            forms.setdefault(form, written)
    return Event(name, description, MappingProxyType(forms))


_S_FAILED = {"STATUS": "Message Sent/Failed"}
_EVENTS = (
    _event("sms.sent", "SMS handed to the carrier", (_SMS, _w("SMS_MT", "N201"))),
    _event(
        "sms.failed",
        "SMS could not be sent",
        (("sky-a",), _w("SMS_MT", "N201", STATUS="Message Failed")),
        (("sky-b", "sinch-json"), _w("SMS_MT", "E201", STATUS="Message Failed")),
    ),
    _event(
        "sms.delivered",
        "the carrier's receipt: delivered",
        (_SMS, _w("SMS_MT", "N202", STATUS="Message Sent/Delivered")),
    ),
    _event(
        "sms.undelivered",
        "the carrier's receipt: not delivered",
        (("sky-a",), _w("SMS_MT", "N202", **_S_FAILED)),
        (("sky-b", "sinch-json"), _w("SMS_MT", "E202", **_S_FAILED)),
    ),
    _event(
        "sms.expired",
        "the carrier's receipt: expired (sky-a: not delivered)",
        (("sky-a",), _w("SMS_MT", "N202", **_S_FAILED)),
        (("sky-b", "sinch-json"), _w("SMS_MT", "E202", STATUS="Message Sent/Expired")),
    ),
    _event(
        "mms.sent",
        "MMS processing started (SENTAS MMS: binary; SMS: xHTML link)",
        (_ALL, _w("MMS_MT", "N101", SENTAS="MMS", STATUS="Message Sent")),
    ),
    _event(
        "mms.failed",
        "MMS could not be sent",
        (
            ("sky-a", "sky-b", "sinch-xml", "sinch-json"),
            _w("MMS_MT", "E101", STATUS="Message Failed"),
        ),
    ),
    _event(
        "mms.delivered",
        "binary MMS delivered (receipt with the handset)",
        (_ALL, _w("MMS_MT", "N102", SENTAS="MMS", STATUS="Message Sent/Delivered")),
    ),
    _event(
        "mms.expired",
        "binary MMS never fetched: expired",
        (_SKY[:2], _w("MMS_MT", "N102", SENTAS="MMS", STATUS="Message Sent/Expired")),
        (("sky-b", "sinch-xml"), _w("MMS_MT", "E102", STATUS="Message Sent/Expired")),
        (("sinch-json",), _w("MMS_MT", "N103", SENTAS="MMS", STATUS="Message Sent/Expired")),
    ),
    _event(
        "mms.rejected",
        "binary MMS rejected by the carrier",
        (_SKY[:2], _w("MMS_MT", "N102", SENTAS="MMS", STATUS="Message Sent/Rejected")),
        (_NOT_A, _w("MMS_MT", "E102", STATUS="Message Sent/Rejected")),
    ),
    _event(
        "mms.undeliverable",
        "the handset cannot take the MMS (sky-a: rejected)",
        (("sky-a",), _w("MMS_MT", "N102", SENTAS="MMS", STATUS="Message Sent/Rejected")),
        (_NOT_A, _w("MMS_MT", "E102", STATUS="Message Sent/NotSupported")),
    ),
    _event(
        "mms.link_delivered",
        "the xHTML link SMS delivered",
        (("sky-a", "sky-b"), _w("MMS_MT", "N202", SENTAS="SMS", STATUS="Message Sent/Delivered")),
        (
            ("sinch-xml", "sinch-json"),
            _w("MMS_MT", "N102", SENTAS="SMS", STATUS="Message Sent/Delivered"),
        ),
    ),
    _event(
        "mms.link_failed",
        "the xHTML link SMS not delivered",
        (("sky-a",), _w("MMS_MT", "N202", SENTAS="SMS", **_S_FAILED)),
        (_NOT_A, _w("MMS_MT", "E202", SENTAS="SMS", **_S_FAILED)),
    ),
    _event("mms.saved", "saveMMS content stored and encoded", (_ALL, _w("MMS_MT", "N003"))),
    _event(
        "mms.audio_failed",
        "saveMMS audio could not be encoded",
        (_ALL, _w("MMS_MT", "E002")),
    ),
    _event(
        "mms.video_failed",
        "saveMMS video could not be encoded (sky-a: E002 with VIDEONAME)",
        (("sky-a",), _w("MMS_MT", "E002")),
        (_NOT_A, _w("MMS_MT", "E003")),
    ),
    _event(
        "mms.stored",
        "sendMMS content stored and encoded, sending triggered",
        (_NOT_A, _w("MMS_MT", "N013")),
    ),
    _event(
        "ddm.sent", "device discovery message sent", (_NOT_A, _w("MMS_MT", "N501", SENTAS="MMS"))
    ),
    _event(
        "ddm.delivered",
        "device discovery message delivered (the handset learnt)",
        (_NOT_A, _w("MMS_MT", "N502", SENTAS="MMS")),
    ),
    _event("sms_mo.received", "a handset texted the number", (_SMS, _w("SMS_MO", "N211"))),
    _event("mms_mo.received", "a handset sent an MMS", (_ALL, _w("MMS_MO", "N401"))),
)

EVENTS: Mapping[str, Event] = MappingProxyType({e.name: e for e in _EVENTS})


def lookup_event(name: str) -> Event:
    try:
        return EVENTS[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(EVENTS), n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(EVENTS)}"
        raise EventError(f"unknown event {name!r}; {hint}") from None


def written_as(name: str, flavor: str, revision: str | None = None) -> Written:
    """How ``flavor`` (skycore-xml: ``revision``) writes the event; EventError if it cannot."""
    event = lookup_event(name)
    form = form_of(flavor, revision)
    try:
        return event.forms[form]
    except KeyError:
        where = ", ".join(event.forms)
        raise EventError(
            f"event {name} cannot be written in {form}: no document of that "
            f"{'revision' if form.startswith('sky-') else 'flavour'} has it; it exists in: {where}"
        ) from None


def postback_for(
    name: str, fields: Mapping[str, object], flavor: str, revision: str | None = None
) -> Postback:
    """The postback that reports event ``name``; ``fields`` (Skycore names) fill the rest. The
    form's STATUS always wins (it is how the event is said); SENTAS may be given (SMS for an
    xHTML send)."""
    written = written_as(name, flavor, revision)
    fixed = {k: v for k, v in written.fields.items() if k != "SENTAS" or "SENTAS" not in fields}
    merged: dict[str, object] = {**fields, **fixed}
    return Postback(written.origin, written.code, merged, flavor)  # type: ignore[arg-type]
