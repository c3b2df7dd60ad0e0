"""The one model every API request shape and dialect is parsed into (see docs/api.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Where a request came in: Skycore 1.3 (``/API/wxml/1.3/``), Sinch XML (``/ep/v1/``), Sinch
#: JSON (``/ep/v2/``).
API_DIALECTS = ("skycore", "sinch-xml", "sinch-json")
#: Document revisions of the Skycore dialect (PLATFORM.md section 0).
REVISIONS = ("sky-a", "sky-b", "sky-legacy")
DEFAULT_REVISION = "sky-a"

#: Canonical action names, in the order of PLATFORM.md section 10.
ACTIONS = (
    "sendSMS",
    "saveMMS",
    "sendMMS",
    "sendSavedMMS",
    "sendSavedMMSCampaign",
    "sendMMSBarcode",
    "getMmsIds",
    "removeMMSInboxMessage",
)
#: The actions the Sinch services answer (PLATFORM.md 10.7, 10.8).
SINCH_ACTIONS = ("sendMMS", "saveMMS", "sendSavedMMS")
#: lower-case spelling -> canonical name (``removeMMSInboxContent`` is the older name).
ACTION_NAMES = {a.lower(): a for a in ACTIONS} | {"removemmsinboxcontent": "removeMMSInboxMessage"}

#: Media and object kinds a slide may hold, as element names.
MEDIA_KINDS = ("IMAGE", "AUDIO", "VIDEO")
OBJECT_KINDS = ("VCARD", "ICAL", "PDF", "PASSBOOK")
PART_KINDS = MEDIA_KINDS + OBJECT_KINDS
MAX_SLIDES = 8
MAX_RECIPIENTS = 100
#: Default request body limit (bytes).
MAX_REQUEST_BYTES = 10 * 1024 * 1024

#: Parameter aliases -> canonical name (after upper-casing; Sinch names after de-hyphenating).
PARAM_ALIASES = {
    "SPID": "OPERATORID",
    "APIKEY": "API_KEY",
    "FROMMASK": "FROM_MASK",
    "MESSAGESUBJECT": "SUBJECT",
    "DDMMESSAGETEXT": "DDMTEXT",
    "DDMMESSAGESUBJECT": "DDMTITLE",
    "DDMMESSAGETIMEOUT": "DDMTIMEOUT",
    "MESSAGETEXT": "TEXT",
    "CAMPAIGNID": "TOCAMPAIGN",
}
#: Free-text parameters whose spaces are kept (everything else is stripped).
FREE_TEXT = frozenset(
    {"TEXT", "SUBJECT", "FALLBACKSMSTEXT", "CUSTOMSUBJECT", "DDMTEXT", "DDMTITLE", "FROM_MASK"}
)


def canonical_param(name: str) -> str:
    """``api_key``/``api-key``/``API_KEY`` -> ``API_KEY``; ``spid`` -> ``OPERATORID``."""
    upper = name.strip().upper()
    if upper in ("API_KEY", "FROM_MASK"):
        return upper
    return PARAM_ALIASES.get(upper.replace("-", "").replace("_", ""), upper.replace("-", ""))


def canonical_action(name: str) -> str | None:
    """The canonical action for any spelling (``SENDSMS`` -> ``sendSMS``), None if unknown."""
    return ACTION_NAMES.get(name.strip().lower())


@dataclass(frozen=True)
class SlidePart:
    """One file of a slide: ``kind`` is IMAGE, AUDIO, VIDEO, VCARD, ICAL, PDF or PASSBOOK."""

    kind: str
    url: str


@dataclass(frozen=True)
class Slide:
    """A slide of saveMMS/sendMMS: its files, its text (None if none) and duration (seconds,
    the revision's default when the request gave none)."""

    parts: tuple[SlidePart, ...] = ()
    text: str | None = None
    duration: int = 5

    def url(self, kind: str) -> str | None:
        """The URL of the slide's file of this kind, if any."""
        return next((p.url for p in self.parts if p.kind == kind), None)


@dataclass(frozen=True)
class CustomText:
    """sendSavedMMS CUSTOMTEXT: replace the text of slide ``slide`` (1-based) with ``value``."""

    value: str
    slide: int


def _frozen(values: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class ApiRequest:
    """A parsed, validated API request.

    ``params`` holds every simple parameter under its canonical upper-case name (``TO``,
    ``FROM``, ``TEXT``, ``MMSID``, ``OPERATORID``, ``SUBJECT``, ``NAME``, ``SERVICEID``,
    ``FALLBACKSMSTEXT``, ...), ``recipients`` the TO numbers (TO may list up to 100, comma
    separated), ``data`` the merge fields (DATA children / ``data_<name>``), ``shape`` how the
    request came (``get``, ``form``, ``form-xml``, ``raw-xml``, ``sinch-xml``, ``sinch-json``) and
    ``layout`` the slide layout (``1.3``, ``legacy`` or ``""`` when the action has no slides).
    """

    action: str
    api_key: str
    dialect: str = "skycore"
    shape: str = "get"
    params: Mapping[str, str] = field(default_factory=_frozen)
    recipients: tuple[str, ...] = ()
    slides: tuple[Slide, ...] = ()
    custom_texts: tuple[CustomText, ...] = ()
    data: Mapping[str, str] = field(default_factory=_frozen)
    layout: str = ""

    def get(self, name: str, default: str | None = None) -> str | None:
        """A parameter by canonical name (any spelling is canonicalised first)."""
        return self.params.get(canonical_param(name), default)

    @property
    def to(self) -> str | None:
        """TO as given (``None`` when absent)."""
        return self.params.get("TO")


@dataclass(frozen=True)
class ApiSuccess:
    """What the backend answers for an accepted request, rendered by ``render_reply``.

    ``values`` are keyed by the Skycore reply element names: ``MMSID``, ``TRACKINGID``, ``TO``,
    ``FROM``, ``STATUSDETAILS``, ``SCHEDULEDID``, ``MMSIDS``, ``MMSINBOXID``.
    """

    action: str
    values: Mapping[str, str] = field(default_factory=_frozen)
