"""The send API's fast lane: ``POST /API/wxml/1.3/index.php`` (and ``/API/wxml/1.3/``)
answered without Flask, as ``web.lane`` does for SMS MO injection.

It takes the common request: a POST without a query string whose body is a form
(``application/x-www-form-urlencoded``, the documented field ``xml``) or the raw XML with no
content type, of a known length within ``api_max_bytes``. It reads it into the same
:class:`RawCall` the Flask view builds (``platform_api.read_call``), calls the same backend and
writes the same bytes: status line, headers, body. A slow reply waits, a dropped connection
raises :class:`platform_api.Dropped` from the body, as in the view. Anything else (a query
string, multipart, another content type, chunked or over-long bodies, debug mode, a request
the Host/Origin checks refuse) goes to Flask; the platform API needs no control token.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from werkzeug.datastructures import EnvironHeaders
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_content_length, get_input_stream

from mockserver.platform import MockPlatform
from mockserver.sends.service import ApiReply, RawCall
from mockserver.web.guard import refusal
from mockserver.web.platform_api import respond

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

#: The paths the lane answers (POST only).
PATHS = frozenset({"/API/wxml/1.3/index.php", "/API/wxml/1.3/"})
FORM = "application/x-www-form-urlencoded"


def read(platform: MockPlatform, environ: WSGIEnvironment) -> RawCall | None:
    """The request as ``platform_api.read_call`` reads it, or None: not one the lane takes."""
    if environ.get("QUERY_STRING") or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    headers = EnvironHeaders(environ)
    content_type = headers.get("Content-Type")
    if content_type not in (FORM, None):
        return None
    length = get_content_length(environ)
    limit = platform.settings.api_max_bytes
    if length is None or length > limit or refusal(platform.settings, environ) is not None:
        return None
    body = get_input_stream(environ, max_content_length=limit).read()
    form: dict[str, str] = {}
    if content_type == FORM:
        try:  # werkzeug's own parse (silent on bad input, the first value of a name wins)
            pairs = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:
            pairs = []
        for name, value in pairs:
            form.setdefault(name, value)
    return RawCall(
        dialect="skycore",
        method="POST",
        path=environ["PATH_INFO"],
        form=form,
        body=body,
        content_type=content_type,
        headers=dict(headers.items()),
        content_length=length,
    )


def write(
    platform: MockPlatform,
    reply: ApiReply,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> Iterable[bytes]:
    """The view's response: a plain reply directly, a slow, dropped or odd one through it."""
    if reply.drop or reply.delay or reply.headers or reply.status not in HTTP_STATUS_CODES:
        return respond(reply, platform.api.wait)(environ, start_response)
    headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
    start_response(f"{reply.status} {HTTP_STATUS_CODES[reply.status].upper()}", headers)
    return [reply.body]
