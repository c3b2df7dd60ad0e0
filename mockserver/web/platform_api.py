"""The platform's own send API, at its real paths: Skycore 1.3 (``/API/wxml/1.3/index.php``,
``/API/wxml/1.3/``), Sinch XML (``/ep/v1/``) and Sinch JSON (``/ep/v2/``).

A thin view: it reads the request (the raw body before the form), hands it to the backend
(``MockPlatform.api.call``) and writes the reply. The backend parses, decides and renders; it
answers every request, so a view never gives a 500. Faults: a slow reply waits, a timeout
waits and then drops, a dropped connection is closed without a byte (see :class:`Dropped`).
These routes need no control-API token: apps authenticate with their API key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Blueprint, Response, request
from waitress.channel import ClientDisconnected
from werkzeug.exceptions import HTTPException

from mockserver.sends.service import ApiReply, RawCall
from mockserver.web.api import platform

bp = Blueprint("platform_api", __name__)

#: Path prefixes of the platform API (no control-API token; see app.OPEN_PREFIXES).
API_PREFIXES = ("/API/wxml/1.3", "/ep/v1/", "/ep/v2/")
METHODS = ["GET", "POST"]


class Dropped(ClientDisconnected):  # type: ignore[misc]  # waitress has no type hints
    """Raised while the reply is being written: waitress closes the connection without
    sending anything (it treats it as a client that went away); the Flask test client sees
    the exception."""


@bp.route("/API/wxml/1.3/index.php", methods=METHODS)
@bp.route("/API/wxml/1.3/", methods=METHODS)
def skycore() -> Response:
    return answer("skycore")


@bp.route("/ep/v1/", methods=METHODS)
def sinch_xml() -> Response:
    return answer("sinch-xml")


@bp.route("/ep/v2/", methods=METHODS)
def sinch_json() -> Response:
    return answer("sinch-json")


def answer(dialect: str) -> Response:
    backend = platform().api
    reply = backend.call(read_call(dialect, backend.platform.settings.api_max_bytes))
    return respond(reply, backend.wait)


def read_call(dialect: str, limit: int) -> RawCall:
    """The request as the backend takes it. A body over ``limit`` is not read (the backend
    answers E100 from its length)."""
    length = request.content_length
    body, form = b"", {}
    if length is None or length <= limit:
        request.max_content_length = limit
        request.max_form_memory_size = limit
        try:
            body = request.get_data(cache=True)
            form = dict(request.form.items())
        except HTTPException:  # too large (no Content-Length), too many form parts
            length = limit + 1 if not body else length
    return RawCall(
        dialect=dialect,
        method=request.method,
        path=request.path,
        query=dict(request.args.items()),
        form=form,
        body=body,
        content_type=request.headers.get("Content-Type"),
        headers=dict(request.headers.items()),
        query_string=request.query_string.decode("latin-1"),
        content_length=length,
    )


def respond(reply: ApiReply, wait: Callable[[float], None]) -> Response:
    """The Flask response of a reply; a drop becomes a body that raises :class:`Dropped`
    before its first byte (after the wait of a timeout)."""
    if reply.drop:
        return Response(_dropped(reply.delay, wait), status=200, mimetype="text/plain")
    wait(reply.delay)
    response = Response(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers:
        response.headers[name] = value
    return response


def _dropped(delay: float, wait: Callable[[float], None]) -> Iterator[bytes]:
    wait(delay)
    raise Dropped("fault: the connection is dropped without a reply")
    yield b""  # pragma: no cover - makes this a generator
