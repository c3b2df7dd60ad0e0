"""The fast lane: the control API's hot route answered without Flask's per-request machinery.

``POST /mock/api/v1/mo/sms`` is what load tests and busy suites send by the thousand. Through
Flask, the request and app contexts, URL matching, signals and the Response object cost about
100 us of CPU a request on a 2-core box, a third of the route (bench/serve.py). The lane is a
WSGI middleware in front of Flask that answers its routes itself, with the code the Flask views
run (``inject_sms``) and the same bytes out: status line, headers, JSON body, error bodies.

The platform's send API (``POST /API/wxml/1.3/``) has a lane of its own:
``web/api_lane.py``.

Anything else goes to Flask untouched: other routes and methods, debug mode (indented JSON), a
request the Host/Origin checks or the token check would refuse (Flask sends the 421, 403
or 401). An exception the API has no answer
for is handed to Flask's own handling (logged, then a JSON 500; re-raised when testing).
No Flask hook or signal runs for a request the lane answers: the app has no hooks but the
Host/Origin checks and the token check, which the lane makes itself (tests/web/test_lane.py
fails when one is added).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_input_stream

from mockserver.platform import MockPlatform
from mockserver.web import api_lane
from mockserver.web.api import api_error_for, token_ok
from mockserver.web.guard import refusal

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

#: (status, JSON payload) for the raw request body; errors are raised, as in a Flask view.
Handler = Callable[[MockPlatform, bytes], tuple[int, dict[str, Any]]]


class FastLane:
    """``app.wsgi_app = FastLane(app, {("POST", path): handler})``."""

    def __init__(self, app: Flask, routes: Mapping[tuple[str, str], Handler]) -> None:
        self.app = app
        self.flask: WSGIApplication = app.wsgi_app
        self.routes = dict(routes)
        self.platform: MockPlatform = app.extensions["mockserver"]

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        if method == "POST" and path in api_lane.PATHS and not self.app.debug:
            return self._send_api(environ, start_response)
        handler = self.routes.get((method, path))
        if handler is None or not self._takes(environ):
            return self.flask(environ, start_response)
        try:
            status, payload = handler(self.platform, self._body(environ))
        except Exception as exc:
            error = api_error_for(exc)
            if error is None:
                return self._unexpected(exc, environ, start_response)
            status, payload = error.status, error.payload()
        return self._reply(status, payload, start_response)

    def _send_api(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """The platform's send API (``web/api_lane.py``)."""
        try:
            raw = api_lane.read(self.platform, environ)
            if raw is None:
                return self.flask(environ, start_response)
            reply = self.platform.api.call(raw)
            return api_lane.write(self.platform, reply, environ, start_response)
        except Exception as exc:
            return self._unexpected(exc, environ, start_response)

    def _takes(self, environ: WSGIEnvironment) -> bool:
        """Not in debug mode, and ``app._check_site`` and ``app._check_token`` would pass."""
        settings = self.platform.settings
        return (
            not self.app.debug
            and token_ok(settings.token, environ)
            and refusal(settings, environ) is None
        )

    def _body(self, environ: WSGIEnvironment) -> bytes:
        """What ``request.get_data()`` reads: the same stream, the same 413 over the limit."""
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        return get_input_stream(environ, max_content_length=limit).read()

    def _reply(
        self, status: int, payload: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        """What ``jsonify(payload)`` with this status sends outside debug mode."""
        body = (self.app.json.dumps(payload, separators=(",", ":")) + "\n").encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        reason = HTTP_STATUS_CODES.get(status, "unknown").upper()  # as werkzeug words it
        start_response(f"{status} {reason}", headers)
        return [body]

    def _unexpected(
        self, exc: Exception, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Flask's answer to an unhandled exception (call it while handling ``exc``)."""
        with self.app.request_context(environ):
            response = self.app.handle_exception(exc)
        return response(environ, start_response)
