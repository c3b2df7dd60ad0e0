"""The catalogue's data: every postback type of PLATFORM.md section 4, one layout per form.

``A``/``B`` are the Skycore revisions sky-a (the seeds) and sky-b (2014-06+), ``L`` the legacy
BODY (sky-legacy), ``SX``/``SJ`` the Sinch XML and JSON documents. A code absent from a form
does not exist in those documents: SKY-A reports failures under N102/N201/N202 (no E102, E201,
E202) and has no DDM or sendMMS codes; sky-legacy documents only the BODY of the codes below.
"""

from __future__ import annotations

from mockserver.wire.entry import Layout, PostbackType
from mockserver.wire.entry import layout_of as _l

A, B, L, SX, SJ = "sky-a", "sky-b", "sky-legacy", "sinch-xml", "sinch-json"
_DELIVERY_FAILURES = (
    "Message Sent/Expired",
    "Message Sent/Rejected",
    "Message Sent/Failed",
    "Message Sent/NotSupported",
)

# ---- SMS_MT -------------------------------------------------------------------------------
_SMS_SENT_A = "STATUS! TO! TRACKINGID! SPID! TIMESTAMP!"
_SMS_SENT_B = "STATUS! FROM! FROM_MASK! TO! TRACKINGID! SPID! TIMESTAMP!"
_SMS_SENT_JSON = (
    "SENTAS! STATUS! FROM? FROM_MASK? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! CAMPAIGNREF?"
)
_SMS_DLR_A = "STATUS! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS? AGGREGATORID!"
_SMS_DLR_B = (
    "STATUS! FROM! FROM_MASK! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS? AGGREGATORID!"
)


def _sms_mt(
    code: str, title: str, statuses: tuple[str, ...], forms: dict[str, Layout]
) -> PostbackType:
    defaults = {"STATUS": statuses[0], "SENTAS": "SMS", "FROM_MASK": ""}  # sky-b: always there
    return PostbackType("SMS_MT", code, title, forms, statuses, defaults)


# ---- MMS_MT -------------------------------------------------------------------------------
_N101_A = "SENTAS! STATUS! MMSID! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N101_B = "SENTAS! STATUS! MMSID! FROM! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N101_SX = "SENTAS! STATUS! MMSID! FROM? TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N101_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? "
    "TIMESTAMP! CLIENTREFERENCE? CAMPAIGNREF?"
)
_N102_A = "SENTAS! STATUS! MMSID! TO! TRACKINGID! SPID! TIMESTAMP! HANDSET? AGGREGATORID?"
_N102_B = "SENTAS! STATUS! MMSID! FROM! TO! TRACKINGID! SPID! TIMESTAMP! HANDSET? AGGREGATORID?"
_N102_SX = "SENTAS! STATUS! MMSID? FROM? TO! TRACKINGID! SPID! TIMESTAMP! HANDSET?"
_N102_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? MMSID? FROM? TO! TRACKINGID! SPID! OPERATORNAME? "
    "TIMESTAMP! HANDSET? CLIENTREFERENCE? CAMPAIGNREF?"
)
_E101_A = "STATUS! MMSID! TO! TRACKINGID! SPID! TIMESTAMP? STATUSDETAILS!"
_E101_B = "STATUS! MMSID! FROM! TO! TRACKINGID! SPID! TIMESTAMP? STATUSDETAILS!"
_E101_SX = "STATUS! MMSID! FROM? TO! TRACKINGID! SPID! TIMESTAMP? STATUSDETAILS!"
_E101_JSON = (
    "STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP? "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)
_E102_B = "STATUS! MMSID! FROM! TO! TRACKINGID! SPID! TIMESTAMP! AGGREGATORID? STATUSDETAILS?"
_E102_SX = "STATUS! MMSID! FROM? TO! TRACKINGID! SPID! STATUSDETAILS?"
_E102_JSON = (
    "STATUS! STATUSDETAILS? MMSID! FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)
_N202_A = "SENTAS! STATUS! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS? AGGREGATORID?"
_N202_B = "SENTAS! STATUS! FROM! TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS? AGGREGATORID?"
_N202_SX = "SENTAS! STATUS! FROM? TO! TRACKINGID! SPID! TIMESTAMP! STATUSDETAILS?"
_N202_JSON = (
    "SENTAS! STATUS! STATUSDETAILS? FROM? TO! TRACKINGID! SPID! OPERATORNAME? TIMESTAMP! "
    "CLIENTREFERENCE? CAMPAIGNREF?"
)
# sky-legacy BODY layouts (PLATFORM.md 4.12, the legacy table); STATUS is an element with
# attributes there (see wire.legacy)
_L_N201 = "HISTORYID! TO! TRACKINGID! TIMESTAMP!"
_L_N202 = "HISTORYID! TO! TRACKINGID! STATUS! TIMESTAMP!"
_L_N101 = "HISTORYID! MMSID! TO! TRACKINGID! SPID! TIMESTAMP!"
_L_N102 = "HISTORYID! MMSID! TO! TRACKINGID! SPID! HANDSET? STATUS! TIMESTAMP!"


def _mms_mt(
    code: str,
    title: str,
    statuses: tuple[str, ...],
    forms: dict[str, Layout],
    sentas: str | None = "MMS",
) -> PostbackType:
    defaults = {"STATUS": statuses[0]}
    if sentas:
        defaults["SENTAS"] = sentas
    return PostbackType("MMS_MT", code, title, forms, statuses, defaults, json_status_details=True)


def _content(code: str, title: str, forms: dict[str, Layout]) -> PostbackType:
    """Save/encoding notifications: no STATUS, no TRACKINGID, no xsi attributes."""
    return PostbackType("MMS_MT", code, title, forms, schema=None)


def _same(spec: str, provenance: str, *forms: str) -> dict[str, Layout]:
    return {form: _l(spec, provenance) for form in forms}


TYPES: tuple[PostbackType, ...] = (
    _sms_mt(
        "N201",
        "SMS MT sent (sky-a: or failed to send)",
        ("Message Sent", "Message Failed"),
        {A: _l(_SMS_SENT_A), B: _l(_SMS_SENT_B), L: _l(_L_N201), SJ: _l(_SMS_SENT_JSON)},
    ),
    _sms_mt(
        "E201",
        "SMS MT failed to send",
        ("Message Failed",),
        {B: _l(_SMS_SENT_B), SJ: _l(_SMS_SENT_JSON)},
    ),
    _sms_mt(
        "N202",
        "SMS MT delivery receipt (sky-a: delivered or not)",
        ("Message Sent/Delivered", "Message Sent/Failed"),
        {A: _l(_SMS_DLR_A), B: _l(_SMS_DLR_B), L: _l(_L_N202), SJ: _l(_SMS_SENT_JSON)},
    ),
    _sms_mt(
        "E202",
        "SMS MT not delivered (DLR)",
        ("Message Sent/Failed", "Message Sent/Expired", "Message Sent/NotSupported"),
        {B: _l(_SMS_DLR_B), SJ: _l(_SMS_SENT_JSON)},
    ),
    _mms_mt(
        "N101",
        "MMS MT processing started (binary, xHTML or degraded)",
        ("Message Sent",),
        {
            A: _l(_N101_A),
            B: _l(_N101_B),
            L: _l(_L_N101),
            SX: _l(_N101_SX),
            SJ: _l(_N101_JSON, "INF"),
        },
    ),
    _mms_mt(
        "N102",
        "MMS MT delivery receipt (binary; sky-a: also expired, rejected; Sinch: the HTML link)",
        ("Message Sent/Delivered", "Message Sent/Expired", "Message Sent/Rejected"),
        {
            A: _l(_N102_A),
            B: _l(_N102_B),
            L: _l(_L_N102),
            SX: _l(_N102_SX),
            SJ: _l(_N102_JSON, "INF"),
        },
    ),
    _mms_mt(
        "N202",
        "MMS MT delivery receipt of the xHTML link SMS",
        ("Message Sent/Delivered", "Message Sent/Failed"),
        {
            A: _l(_N202_A),
            B: _l(_N202_B),
            SX: _l(_N202_SX, "INF"),
            SJ: _l(_N202_JSON, "INF"),
        },
        sentas="SMS",
    ),
    _mms_mt(
        "E202",
        "MMS MT delivery of the xHTML link SMS failed",
        ("Message Sent/Failed",),
        {B: _l(_N202_B, "INF"), SX: _l(_N202_SX, "INF"), SJ: _l(_N202_JSON, "INF")},
        sentas="SMS",
    ),
    _mms_mt(
        "E101",
        "MMS MT could not be sent",
        ("Message Failed",),
        {A: _l(_E101_A), B: _l(_E101_B), SX: _l(_E101_SX), SJ: _l(_E101_JSON, "INF")},
        sentas=None,
    ),
    _mms_mt(
        "E102",
        "MMS MT sent, delivery failed",
        _DELIVERY_FAILURES,
        {B: _l(_E102_B), SX: _l(_E102_SX), SJ: _l(_E102_JSON, "INF")},
        sentas=None,
    ),
    _mms_mt(
        "N103", "MMS MT expired (JSON only)", ("Message Sent/Expired",), {SJ: _l(_N102_JSON, "INF")}
    ),
    _mms_mt(
        "N501",
        "Device discovery message sent",
        ("Message Sent",),
        {B: _l(_N101_B, "INF"), SX: _l(_N101_SX), SJ: _l(_N101_JSON, "INF")},
    ),
    _mms_mt(
        "N502",
        "Device discovery message delivered",
        ("Message Sent/Delivered",),
        {B: _l(_N102_B, "INF"), SX: _l(_N102_SX), SJ: _l(_N102_JSON, "INF")},
    ),
    _mms_mt(
        "E501",
        "Device discovery message could not be sent",
        ("Message Failed",),
        {B: _l(_E101_B, "INF"), SX: _l(_E101_SX, "INF"), SJ: _l(_E101_JSON, "INF")},
        sentas=None,
    ),
    _mms_mt(
        "E502",
        "Device discovery message not delivered",
        ("Message Sent/Failed", "Message Sent/Expired", "Message Sent/NotSupported"),
        {B: _l(_E102_B, "INF"), SX: _l(_E102_SX, "INF"), SJ: _l(_E102_JSON, "INF")},
        sentas=None,
    ),
    _content(
        "N003",
        "saveMMS: content stored and encoded",
        _same("MMSID!", "DOC", A, B, L, SX) | {SJ: _l("MMSID!", "INF")},
    ),
    _content(
        "E002",
        "saveMMS: audio (sky-a: or video) encoding failed",
        {
            A: _l("MMSID! AUDIONAME? VIDEONAME?"),
            L: _l("MMSID! AUDIONAME?"),
            **_same("MMSID! AUDIONAME!", "DOC", B, SX),
            SJ: _l("MMSID! AUDIONAME!", "INF"),
        },
    ),
    _content(
        "E003", "saveMMS: video encoding failed", _same("MMSID! VIDEONAME!", "INF", B, SX, SJ)
    ),
    _content(
        "E004",
        "saveMMS: image encoding failed (Sinch JSON only)",
        {SJ: _l("MMSID! IMAGENAME!", "INF")},
    ),
    _content(
        "N013", "sendMMS: content stored, sending triggered", _same("MMSID!", "INF", B, SX, SJ)
    ),
    _content("E011", "sendMMS: content validation failed", _same("MMSID!", "INF", B, SX, SJ)),
    _content(
        "E012",
        "sendMMS: audio encoding failed, not sent",
        _same("MMSID! AUDIONAME!", "INF", B, SX, SJ),
    ),
    _content(
        "E013",
        "sendMMS: video encoding failed, not sent",
        _same("MMSID! VIDEONAME!", "INF", B, SX, SJ),
    ),
    PostbackType(
        "SMS_MO",
        "N211",
        "SMS MO received",
        {
            A: _l("FROM! TO! TEXT! RECEIVED!"),
            B: _l("FROM! TO! TEXT! RECEIVED! TRANSACTIONID!"),
            L: _l("FROM! TO! TEXT! RECEIVED!"),
            SJ: _l("FROM! TO! TEXT! TRANSACTIONID? RECEIVED!"),
        },
        schema="mo",
    ),
    PostbackType(
        "MMS_MO",
        "N401",
        "MMS MO received",
        {
            A: _l("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! CONTENT!"),
            B: _l("FROM! TO! KEYWORD? SUBJECT? TRACKINGID! SPID? TIMESTAMP! CONTENT!"),
            L: _l("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! CONTENT!"),
            SX: _l("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! SUBJECT! CONTENT!"),
            SJ: _l("FROM! TO! KEYWORD? TRACKINGID! SPID? TIMESTAMP! SUBJECT! CONTENT!"),
        },
        defaults={"SUBJECT": ""},
        declaration=False,
        schema=None,
    ),
)
