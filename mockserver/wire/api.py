"""The platform's send API, pure layer: request -> :class:`ApiRequest`, result -> reply bytes.

``parse_request(...)`` raises :class:`ApiFailure` (and nothing else) for every request the
platform answers with ``<STATUS>Failure</STATUS>``; ``render_reply(result, dialect, revision)``
renders an :class:`ApiSuccess` or an :class:`ApiFailure`. No Flask, no I/O: the blueprint hands
in the method, query, form fields, raw body and headers. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.wire.api_codes import API_ERRORS, ApiCode, ApiFailure, error_info
from mockserver.wire.api_model import (
    ACTIONS,
    API_DIALECTS,
    DEFAULT_REVISION,
    MAX_REQUEST_BYTES,
    REVISIONS,
    SINCH_ACTIONS,
    ApiRequest,
    ApiSuccess,
    CustomText,
    Slide,
    SlidePart,
)
from mockserver.wire.api_replies import (
    SKYCORE_CONTENT_TYPE,
    render_reply,
    reply_content_type,
    success_for,
)
from mockserver.wire.api_requests import skycore_draft
from mockserver.wire.api_sinch import sinch_json_draft, sinch_xml_draft
from mockserver.wire.api_validate import validate
from mockserver.wire.errors import FlavorError

__all__ = [
    "ACTIONS",
    "API_DIALECTS",
    "API_ERRORS",
    "DEFAULT_REVISION",
    "MAX_REQUEST_BYTES",
    "REVISIONS",
    "SINCH_ACTIONS",
    "SKYCORE_CONTENT_TYPE",
    "ApiCode",
    "ApiFailure",
    "ApiRequest",
    "ApiSuccess",
    "CustomText",
    "Slide",
    "SlidePart",
    "check_size",
    "error_info",
    "parse_request",
    "render_reply",
    "reply_content_type",
    "success_for",
]


def check_size(length: int | None, limit: int = MAX_REQUEST_BYTES) -> None:
    """Refuse a body over ``limit`` bytes (``length`` from Content-Length or the body read).

    The platform documents no code for this; the simulator answers E100 (a Failure reply, HTTP
    200), the detail naming the size and the limit. None (no Content-Length) passes."""
    if length is not None and length > limit:
        raise ApiFailure(
            "E100",
            f"the request body has {length} bytes, over the {limit}-byte limit; send the media "
            "as URLs, not inline, or raise the limit in the settings",
        )


def parse_request(
    method: str,
    query: Mapping[str, str],
    form: Mapping[str, str],
    body: bytes,
    content_type: str | None = None,
    dialect: str = "skycore",
    *,
    headers: Mapping[str, str] | None = None,
    revision: str = DEFAULT_REVISION,
    max_bytes: int = MAX_REQUEST_BYTES,
) -> ApiRequest:
    """One API request, in any of the shapes clients send, as an :class:`ApiRequest`.

    ``query``/``form`` hold the first value of each query/form field (multipart fields too);
    ``body`` the raw body as received (read it before the form, e.g. Flask's
    ``request.get_data(cache=True)``): a body that starts with ``<`` is the XML document
    whatever the form parse made of it. ``headers`` matter for Sinch JSON (``x-api-key``).
    ``revision`` picks the sky-a/sky-b limits (slide text 500/5000, default duration 5/10 s).

    Raises :class:`ApiFailure` (code, info, detail, action, to) and nothing else for bad input;
    :class:`FlavorError` only for an unknown ``dialect`` or ``revision`` (a caller's bug).
    """
    if dialect not in API_DIALECTS:
        raise FlavorError(f"unknown API dialect {dialect!r}; one of {', '.join(API_DIALECTS)}")
    if revision not in REVISIONS:
        raise FlavorError(f"unknown revision {revision!r}; one of {', '.join(REVISIONS)}")
    check_size(len(body), max_bytes)
    if dialect == "skycore":
        draft = skycore_draft(query, form, body, content_type)
    elif dialect == "sinch-xml":
        draft = sinch_xml_draft(method, form, body, content_type)
    else:
        draft = sinch_json_draft(method, headers or {}, body)
    return validate(draft, dialect, revision)
