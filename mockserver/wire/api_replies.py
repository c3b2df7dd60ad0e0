"""API replies as the platform gives them (PLATFORM.md 10.2-10.8).

Skycore: ``<RESPONSE>`` with upper-case elements, no XML declaration, served as
``text/html; charset=UTF-8`` (client libraries written against the platform break on an XML
label). Sinch XML: ``<response>`` with lower-case, hyphenated names. Sinch JSON: an object with
the same names. Element order follows each action's documented example.

Revisions: the documents differ in one point only. sendMMS and sendSavedMMS replies carry
``STATUSDETAILS`` in sky-b (2014-06 on, and in Sinch XML/JSON); the sky-a pages show none.
sky-legacy replies are rendered as sky-a (the legacy per-recipient ``<SENDING>`` blocks of
multi-number sends are not reproduced).
"""

from __future__ import annotations

import json

from mockserver.wire.api_codes import ApiFailure
from mockserver.wire.api_model import API_DIALECTS, REVISIONS, ApiRequest, ApiSuccess
from mockserver.wire.errors import FlavorError
from mockserver.wire.render import escape_text

SKYCORE_CONTENT_TYPE = "text/html; charset=UTF-8"
CONTENT_TYPES = {
    "skycore": SKYCORE_CONTENT_TYPE,
    "sinch-xml": "text/xml; charset=UTF-8",
    "sinch-json": "application/json; charset=utf-8",
}
#: STATUSDETAILS of an accepted MMS send when the backend gives none.
ACCEPTED_DETAILS = "MMS request accepted and queued for delivery"

#: Success elements per action, in the order of the documented examples.
SUCCESS_LAYOUTS: dict[str, tuple[str, ...]] = {
    "sendSMS": ("TRACKINGID", "TO"),
    "saveMMS": ("MMSID",),
    "sendMMS": ("TO", "MMSID", "TRACKINGID", "STATUSDETAILS"),
    "sendSavedMMS": ("MMSID", "TRACKINGID", "TO", "FROM", "STATUSDETAILS"),
    "sendSavedMMSCampaign": ("MMSID", "SCHEDULEDID"),
    "sendMMSBarcode": ("MMSID", "TRACKINGID", "TO"),
    "getMmsIds": ("MMSIDS",),
    "removeMMSInboxMessage": ("MMSINBOXID",),
}
REPLY_VALUES = frozenset(name for layout in SUCCESS_LAYOUTS.values() for name in layout)
#: Failure elements after STATUS: sendSMS puts TO last, the MMS sends between code and info.
FAILURE_LAYOUTS: dict[str, tuple[str, ...]] = {
    "sendSMS": ("ERRORCODE", "ERRORINFO", "TO"),
    "sendMMS": ("ERRORCODE", "TO", "ERRORINFO"),
    "sendSavedMMS": ("ERRORCODE", "TO", "ERRORINFO"),
    "sendMMSBarcode": ("ERRORCODE", "TO", "ERRORINFO"),
}
_PLAIN_FAILURE = ("ERRORCODE", "ERRORINFO")
#: Skycore names -> Sinch names.
SINCH_NAMES = {
    "STATUS": "status",
    "TO": "to",
    "FROM": "from",
    "MMSID": "mms-id",
    "TRACKINGID": "tracking-id",
    "STATUSDETAILS": "status-details",
    "ERRORCODE": "error-code",
    "ERRORINFO": "error-info",
}


def reply_content_type(dialect: str = "skycore") -> str:
    """The Content-Type a reply in this dialect is served with."""
    _check(dialect, REVISIONS[0])
    return CONTENT_TYPES[dialect]


def render_reply(
    result: ApiSuccess | ApiFailure, dialect: str = "skycore", revision: str = "sky-a"
) -> tuple[bytes, str]:
    """``(body, content_type)`` of the reply; always HTTP 200 on the platform."""
    _check(dialect, revision)
    if isinstance(result, ApiFailure):
        pairs = _failure_pairs(result, dialect, revision)
    else:
        pairs = _success_pairs(result, dialect, revision)
    if dialect == "sinch-json":
        body = json.dumps({SINCH_NAMES[k]: v for k, v in pairs}, ensure_ascii=False)
        return body.encode("utf-8"), CONTENT_TYPES[dialect]
    return _xml(pairs, dialect).encode("utf-8"), CONTENT_TYPES[dialect]


def success_for(request: ApiRequest, **values: str) -> ApiSuccess:
    """An :class:`ApiSuccess` echoing the request's TO and FROM (PLATFORM.md section 12,
    decision 21); ``values`` add the backend's ids: ``success_for(req, TRACKINGID=..)``."""
    echoed = {k: v for k, v in (("TO", request.to), ("FROM", request.get("FROM"))) if v}
    return ApiSuccess(request.action, {**echoed, **values})


def _check(dialect: str, revision: str) -> None:
    if dialect not in API_DIALECTS:
        raise FlavorError(f"unknown API dialect {dialect!r}; one of {', '.join(API_DIALECTS)}")
    if revision not in REVISIONS:
        raise FlavorError(f"unknown revision {revision!r}; one of {', '.join(REVISIONS)}")


def _success_pairs(result: ApiSuccess, dialect: str, revision: str) -> list[tuple[str, str]]:
    layout = SUCCESS_LAYOUTS.get(result.action)
    if layout is None:
        raise FlavorError(f"no reply layout for action {result.action!r}")
    unknown = sorted(set(result.values) - REPLY_VALUES)
    if unknown:
        raise FlavorError(f"reply values {unknown} are not reply elements; use {REPLY_VALUES}")
    values = dict(result.values)
    with_details = dialect != "skycore" or revision == "sky-b"
    if with_details and "STATUSDETAILS" in layout:
        values.setdefault("STATUSDETAILS", ACCEPTED_DETAILS)
    else:
        values.pop("STATUSDETAILS", None)
    if dialect != "skycore":
        layout = tuple(n for n in layout if n in SINCH_NAMES)
    return [("STATUS", "Success"), *((n, values[n]) for n in layout if n in values)]


def _failure_pairs(failure: ApiFailure, dialect: str, revision: str) -> list[tuple[str, str]]:
    layout: tuple[str, ...] = _PLAIN_FAILURE
    if failure.to:
        layout = FAILURE_LAYOUTS.get(failure.action or "", _PLAIN_FAILURE)
    values = {
        "ERRORCODE": failure.code,
        "ERRORINFO": failure.info_for(dialect, revision),
        "TO": failure.to or "",
    }
    return [("STATUS", "Failure"), *((name, values[name]) for name in layout)]


def _xml(pairs: list[tuple[str, str]], dialect: str) -> str:
    lower = dialect == "sinch-xml"
    root = "response" if lower else "RESPONSE"
    lines = [f"<{root}>"]
    for name, value in pairs:
        tag = SINCH_NAMES[name] if lower else name
        lines.append(f"    <{tag}>{escape_text(value)}</{tag}>")
    lines.append(f"</{root}>")
    return "\n".join(lines)
