"""Every postback type of PLATFORM.md section 4: origin, code, nodes in order, status strings.

A layout lists a flavour's nodes after ORIGIN and CODE, in documented order: ``NAME!`` is
required, ``NAME?`` optional. Names are Skycore element names whatever the flavour; the Sinch
spelling comes from :data:`SINCH_NAMES` (or a per-type override). A flavour missing from a type's
layouts never carries that code (e.g. Sinch's XML service sends no SMS postbacks).
``provenance`` says whether the flavour's layout is printed in a document (``DOC``) or inferred
from its siblings (``INF``), per PLATFORM.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from mockserver.wire.errors import FlavorError, UnknownCodeError
from mockserver.wire.model import FLAVORS

#: Skycore element name -> Sinch (lowercase, hyphenated) name.
SINCH_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "ORIGIN": "origin",
        "CODE": "code",
        "STATUS": "status",
        "SENTAS": "sent-as",
        "MMSID": "mms-id",
        "FROM": "from",
        "FROM_MASK": "from-mask",
        "TO": "to",
        "TRACKINGID": "tracking-id",
        "SPID": "operator-id",
        "OPERATORNAME": "operator-name",
        "TIMESTAMP": "timestamp",
        "STATUSDETAILS": "status-details",
        "HANDSET": "handset",
        "AUDIONAME": "audio-name",
        "VIDEONAME": "video-name",
        "IMAGENAME": "image-name",
        "KEYWORD": "keyword",
        "SUBJECT": "message-subject",
        "CONTENT": "content",
        "TEXT": "message-text",
        "RECEIVED": "timestamp",
        "TRANSACTIONID": "tracking-id",
        "CAMPAIGNREF": "campaign-ref",
        "CLIENTREFERENCE": "client-reference",
    }
)

#: Nodes whose value is a point in time (formatted per flavour when given a datetime).
TIME_NODES = frozenset({"TIMESTAMP", "RECEIVED"})


@dataclass(frozen=True)
class Node:
    name: str
    required: bool


@dataclass(frozen=True)
class Layout:
    nodes: tuple[Node, ...]
    provenance: str  # "DOC" or "INF"

    @cached_property  # every render asks; frozen, so it is computed once
    def names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes)


def _layout(spec: str, provenance: str = "DOC") -> Layout:
    nodes = tuple(Node(tok[:-1], tok.endswith("!")) for tok in spec.split())
    return Layout(nodes, provenance)


@dataclass(frozen=True)
class PostbackType:
    """One catalogue entry: a notification code under one origin."""

    origin: str
    code: str
    title: str
    layouts: Mapping[str, Layout]
    statuses: tuple[str, ...] = ()
    defaults: Mapping[str, str] = field(default_factory=dict)
    #: skycore-xml: begins with ``<?xml version='1.0'?>``
    declaration: bool = True
    #: skycore-xml: xsi attributes on the root: "mt" (two lines, as the MT seeds), "mo" (one
    #: line, as the SMS MO seed) or None
    schema: str | None = "mt"
    #: sinch-json: carries ``status-details`` (MMS MT JSON does, SMS JSON does not)
    json_status_details: bool = False
    #: per-type Sinch name overrides
    sinch_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.origin}/{self.code}"

    @property
    def flavors(self) -> tuple[str, ...]:
        return tuple(f for f in FLAVORS if f in self.layouts)

    def layout(self, flavor: str) -> Layout:
        if flavor not in FLAVORS:
            raise FlavorError(f"unknown flavour {flavor!r}; choose one of {', '.join(FLAVORS)}")
        try:
            return self.layouts[flavor]
        except KeyError:
            raise FlavorError(
                f"{self.key} has no {flavor} form (no document shows it); "
                f"it exists in: {', '.join(self.flavors)}"
            ) from None

    def all_names(self) -> frozenset[str]:
        return self._all_names

    @cached_property  # every render asks; frozen, so it is computed once
    def _all_names(self) -> frozenset[str]:
        return frozenset(n for lay in self.layouts.values() for n in lay.names)

    def wire_name(self, name: str, flavor: str) -> str:
        if flavor == "skycore-xml":
            return name
        return self.sinch_names.get(name) or SINCH_NAMES.get(name) or name.lower()


SKY, SX, SJ = "skycore-xml", "sinch-xml", "sinch-json"
_DELIVERY_FAILURES = (
    "Message Sent/Expired",
    "Message Sent/Rejected",
    "Message Sent/Failed",
    "Message Sent/NotSupported",
)

# ---- SMS_MT -------------------------------------------------------------------------------
_SMS_SENT_SKY = "STATUS! FROM? FROM_MASK? TO! TRACKINGID! SPID! TIMESTAMP!"
_SMS_SENT_JSON = (
    "SENTAS! STATUS! FROM? FROM_MASK? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! CAMPAIGNREF?"
)
_SMS_DLR_SKY = _SMS_SENT_SKY + " STATUSDETAILS? AGGREGATORID!"
_SMS_DLR_JSON = _SMS_SENT_JSON


def _sms_mt(
    code: str, title: str, statuses: tuple[str, ...], sky: str, sky_prov: str
) -> PostbackType:
    json = _SMS_SENT_JSON if code in ("N201", "E201") else _SMS_DLR_JSON
    return PostbackType(
        "SMS_MT",
        code,
        title,
        {SKY: _layout(sky, sky_prov), SJ: _layout(json, "DOC")},
        statuses,
        {"STATUS": statuses[0], "SENTAS": "SMS"},
    )


# ---- MMS_MT -------------------------------------------------------------------------------
_N101_SKY = "SENTAS! STATUS! MMSID! FROM? TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N101_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? "
    "TIMESTAMP! CLIENTREFERENCE? CAMPAIGNREF?"
)
_N102_SKY = "SENTAS! STATUS! MMSID? FROM? TO! TRACKINGID! SPID! TIMESTAMP! HANDSET? AGGREGATORID?"
_N102_SX = "SENTAS! STATUS! MMSID? FROM? TO! TRACKINGID! SPID! TIMESTAMP! HANDSET?"
_N102_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? MMSID? FROM? TO! TRACKINGID! SPID! OPERATORNAME? "
    "TIMESTAMP! HANDSET? CLIENTREFERENCE? CAMPAIGNREF?"
)
_E101_SKY = "STATUS! MMSID! FROM? TO! TRACKINGID! SPID! TIMESTAMP? STATUSDETAILS!"
_E101_JSON = (
    "STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP? "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)
_E102_SKY = "STATUS! MMSID! FROM? TO! TRACKINGID! SPID! TIMESTAMP! AGGREGATORID? STATUSDETAILS?"
_E102_SX = "STATUS! MMSID! FROM? TO! TRACKINGID! SPID! STATUSDETAILS?"
_E102_JSON = (
    "STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)
_N202_SKY = "SENTAS! STATUS! FROM? TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS? AGGREGATORID?"
_N202_SX = "SENTAS! STATUS! FROM? TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N202_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)


def _mms_mt(
    code: str,
    title: str,
    statuses: tuple[str, ...],
    layouts: dict[str, Layout],
    sentas: str | None = "MMS",
) -> PostbackType:
    defaults = {"STATUS": statuses[0]}
    if sentas:
        defaults["SENTAS"] = sentas
    return PostbackType(
        "MMS_MT", code, title, layouts, statuses, defaults, json_status_details=True
    )


def _content(
    code: str, title: str, spec: str, provenance: str, json_prov: str = "INF"
) -> PostbackType:
    """Save/encoding notifications: no STATUS, no TRACKINGID, no xsi attributes."""
    return PostbackType(
        "MMS_MT",
        code,
        title,
        {
            SKY: _layout(spec, provenance),
            SX: _layout(spec, provenance),
            SJ: _layout(spec, json_prov),
        },
        schema=None,
    )


_TYPES: tuple[PostbackType, ...] = (
    _sms_mt("N201", "SMS MT sent", ("Message Sent",), _SMS_SENT_SKY, "DOC"),
    _sms_mt("E201", "SMS MT failed to send", ("Message Failed",), _SMS_SENT_SKY, "DOC"),
    _sms_mt("N202", "SMS MT delivered (DLR)", ("Message Sent/Delivered",), _SMS_DLR_SKY, "DOC"),
    _sms_mt(
        "E202",
        "SMS MT not delivered (DLR)",
        ("Message Sent/Failed", "Message Sent/Expired", "Message Sent/NotSupported"),
        _SMS_DLR_SKY,
        "DOC",
    ),
    _mms_mt(
        "N101",
        "MMS MT processing started (binary, xHTML or degraded)",
        ("Message Sent",),
        {SKY: _layout(_N101_SKY), SX: _layout(_N101_SKY), SJ: _layout(_N101_JSON, "INF")},
    ),
    _mms_mt(
        "N102",
        "MMS MT delivery receipt (binary; Sinch also the HTML link)",
        ("Message Sent/Delivered", "Message Sent/Expired", "Message Sent/Rejected"),
        {SKY: _layout(_N102_SKY), SX: _layout(_N102_SX), SJ: _layout(_N102_JSON, "INF")},
    ),
    _mms_mt(
        "N202",
        "MMS MT delivery receipt of the xHTML link SMS",
        ("Message Sent/Delivered", "Message Sent/Failed"),
        {SKY: _layout(_N202_SKY), SX: _layout(_N202_SX, "INF"), SJ: _layout(_N202_JSON, "INF")},
        sentas="SMS",
    ),
    _mms_mt(
        "E202",
        "MMS MT delivery of the xHTML link SMS failed",
        ("Message Sent/Failed",),
        {
            SKY: _layout(_N202_SKY, "INF"),
            SX: _layout(_N202_SX, "INF"),
            SJ: _layout(_N202_JSON, "INF"),
        },
        sentas="SMS",
    ),
    _mms_mt(
        "E101",
        "MMS MT could not be sent",
        ("Message Failed",),
        {SKY: _layout(_E101_SKY), SX: _layout(_E101_SKY), SJ: _layout(_E101_JSON, "INF")},
        sentas=None,
    ),
    _mms_mt(
        "E102",
        "MMS MT sent, delivery failed",
        _DELIVERY_FAILURES,
        {SKY: _layout(_E102_SKY), SX: _layout(_E102_SX), SJ: _layout(_E102_JSON, "INF")},
        sentas=None,
    ),
    _mms_mt(
        "N103",
        "MMS MT expired (JSON only)",
        ("Message Sent/Expired",),
        {SJ: _layout(_N102_JSON, "INF")},
    ),
    _mms_mt(
        "N501",
        "Device discovery message sent",
        ("Message Sent",),
        {SKY: _layout(_N101_SKY, "INF"), SX: _layout(_N101_SKY), SJ: _layout(_N101_JSON, "INF")},
    ),
    _mms_mt(
        "N502",
        "Device discovery message delivered",
        ("Message Sent/Delivered",),
        {SKY: _layout(_N102_SKY, "INF"), SX: _layout(_N102_SX), SJ: _layout(_N102_JSON, "INF")},
    ),
    _mms_mt(
        "E501",
        "Device discovery message could not be sent",
        ("Message Failed",),
        {
            SKY: _layout(_E101_SKY, "INF"),
            SX: _layout(_E101_SKY, "INF"),
            SJ: _layout(_E101_JSON, "INF"),
        },
        sentas=None,
    ),
    _mms_mt(
        "E502",
        "Device discovery message not delivered",
        ("Message Sent/Failed", "Message Sent/Expired", "Message Sent/NotSupported"),
        {
            SKY: _layout(_E102_SKY, "INF"),
            SX: _layout(_E102_SX, "INF"),
            SJ: _layout(_E102_JSON, "INF"),
        },
        sentas=None,
    ),
    _content("N003", "saveMMS: content stored and encoded", "MMSID!", "DOC"),
    _content("E002", "saveMMS: audio encoding failed", "MMSID! AUDIONAME!", "DOC"),
    _content("E003", "saveMMS: video encoding failed", "MMSID! VIDEONAME!", "INF"),
    _content("E004", "saveMMS: image encoding failed", "MMSID! IMAGENAME!", "INF"),
    _content("N013", "sendMMS: content stored, sending triggered", "MMSID!", "INF"),
    _content("E011", "sendMMS: content validation failed", "MMSID!", "INF"),
    _content("E012", "sendMMS: audio encoding failed, not sent", "MMSID! AUDIONAME!", "INF"),
    _content("E013", "sendMMS: video encoding failed, not sent", "MMSID! VIDEONAME!", "INF"),
    PostbackType(
        "SMS_MO",
        "N211",
        "SMS MO received",
        {
            SKY: _layout("FROM! TO! TEXT! RECEIVED! TRANSACTIONID?"),
            SJ: _layout("FROM! TO! TEXT! TRANSACTIONID? RECEIVED!"),
        },
        schema="mo",
    ),
    PostbackType(
        "MMS_MO",
        "N401",
        "MMS MO received",
        {
            SKY: _layout("FROM! TO! KEYWORD? SUBJECT? TRACKINGID! SPID? TIMESTAMP! CONTENT!"),
            SX: _layout("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! SUBJECT! CONTENT!"),
            SJ: _layout("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! SUBJECT! CONTENT!"),
        },
        defaults={"SUBJECT": ""},
        declaration=False,
        schema=None,
    ),
)

CATALOG: Mapping[str, PostbackType] = MappingProxyType({t.key: t for t in _TYPES})
CODES: tuple[str, ...] = tuple(dict.fromkeys(t.code for t in _TYPES))
_BY_CODE = {code: tuple(t for t in _TYPES if t.code == code) for code in CODES}


def types_for(code: str) -> tuple[PostbackType, ...]:
    """Every entry with this code (N202 and E202 exist under SMS_MT and MMS_MT)."""
    return _BY_CODE.get(code.upper(), ())


def lookup(code: str, origin: str | None = None) -> PostbackType:
    """The entry for ``code`` (``"N101"`` or ``"MMS_MT/N101"``), optionally under ``origin``."""
    if "/" in code:
        origin, code = code.split("/", 1)
    found = types_for(code)
    if origin is not None:
        found = tuple(t for t in found if t.origin == origin.upper())
    if not found:
        raise UnknownCodeError(_unknown_message(code, origin))
    return found[0]


def _unknown_message(code: str, origin: str | None) -> str:
    import difflib

    where = f" under origin {origin}" if origin else ""
    message = f"unknown postback code {code!r}{where}"
    if origin and types_for(code):
        origins = ", ".join(t.origin for t in types_for(code))
        return f"{message}; {code.upper()} exists under {origins}"
    close = difflib.get_close_matches(code.upper(), CODES, n=1, cutoff=0.5)
    if close:
        return f"{message}; did you mean {close[0]}?"
    return f"{message}; known codes: {', '.join(CODES)}"
