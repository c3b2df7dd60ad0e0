"""Transports of the test modes: one that records every attempt in a :class:`Receiver`, and
the in-process one that hands postbacks to a WSGI app or a Python callable (no sockets)."""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, got_request_exception
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mockserver.engine.transport import HttpTransport, Response, Transport
from mockserver.testing.receiver import Receiver
from mockserver.wire.model import Postback
from mockserver.wire.parse import parse_many

WsgiApp = Callable[..., Iterable[bytes]]


@dataclass(frozen=True)
class Delivery:
    """A postback as a plain callable target receives it."""

    url: str
    body: bytes
    headers: Mapping[str, str]
    postback: Postback | None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


#: A callable target: returns the HTTP status (None = 200), or (status, body).
Handler = Callable[[Delivery], int | tuple[int, bytes | str] | None]


class RecordingTransport:
    """Sends through ``inner`` and records each attempt, answered or not, in ``receiver``."""

    def __init__(self, inner: Transport, receiver: Receiver) -> None:
        self.inner = inner
        self.receiver = receiver

    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        started = time.perf_counter()
        try:
            response = self.inner.send(url, body, headers, timeout)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - started
            self.receiver.record(url, body, headers, None, error, False, took)
            raise
        took = time.perf_counter() - started
        success = self.receiver.platform.settings.success
        ok = 200 <= response.status < 300 if success == "2xx" else response.status == 200
        self.receiver.record(url, body, headers, response.status, None, ok, took)
        return response

    def close(self) -> None:
        self.inner.close()


class AppError(AssertionError):
    """The app under test raised while handling a postback (in-process mode)."""


class InProcessTransport:
    """Delivers to in-process targets by URL origin (scheme://host:port): WSGI apps (called
    as a WSGI server would, with werkzeug's test environ) and callables; the receiver's own
    capture URL answers from ``Receiver.respond``. A URL no target claims is sent over HTTP
    (``fallback``) or, without one, refused like a closed port.

    An app that raises is answered as a 500 (what a WSGI server would send) and the exception
    is kept in ``errors``; the in-process platform re-raises it after the clock step."""

    def __init__(self, receiver: Receiver, fallback: Transport | None = None) -> None:
        self.receiver = receiver
        self.apps: dict[str, WsgiApp] = {}
        self.handlers: dict[str, Handler] = {}
        self.fallback = fallback
        self.errors: list[tuple[str, BaseException]] = []

    def add_app(self, base_url: str, app: WsgiApp) -> None:
        self.apps[origin(base_url)] = app

    def add_handler(self, base_url: str, handler: Handler) -> None:
        self.handlers[origin(base_url)] = handler

    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        if self.receiver.url and url.split("?")[0] == self.receiver.url:
            status, reply = self.receiver.next_reply()
            return Response(status, [("Content-Type", "text/plain")], reply)
        key = origin(url)
        if key in self.apps:
            return self._call_app(self.apps[key], url, body, headers)
        if key in self.handlers:
            return self._call_handler(self.handlers[key], url, body, headers)
        if self.fallback is not None:
            return self.fallback.send(url, body, headers, timeout)
        raise ConnectionRefusedError(
            f"no in-process app or handler for {key} (mock_platform(app=..., postback_url=...))"
        )

    def _call_app(
        self, app: WsgiApp, url: str, body: bytes, headers: Mapping[str, str]
    ) -> Response:
        parts = urlsplit(url)
        extra = {k: v for k, v in headers.items() if k.lower() not in _BODY_HEADERS}
        builder = EnvironBuilder(
            path=parts.path or "/", base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query, method="POST", data=body,
            content_type=_header(headers, "Content-Type"), headers=list(extra.items()),
        )  # fmt: skip
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        raised: list[BaseException] = []
        try:
            with _flask_errors(app, raised):
                app_iter, status, reply_headers = run_wsgi_app(app, environ, buffered=True)
                try:
                    reply = b"".join(app_iter)
                finally:
                    getattr(app_iter, "close", lambda: None)()
        except Exception as exc:
            return self._failed(url, exc)
        if raised:  # Flask turned it into a 500 (and logged it): the test should see it
            self.errors.append((url, raised[0]))
        return Response(int(status.split()[0]), list(reply_headers.items()), reply)

    def _call_handler(
        self, handler: Handler, url: str, body: bytes, headers: Mapping[str, str]
    ) -> Response:
        parsed = _parse(body, _header(headers, "Content-Type"))
        try:
            result: Any = handler(Delivery(url, body, dict(headers), parsed))
        except Exception as exc:
            return self._failed(url, exc)
        if result is None:
            return Response(200, [], b"OK")
        if isinstance(result, int):
            return Response(result, [], b"")
        status, reply = result
        return Response(int(status), [], reply.encode() if isinstance(reply, str) else reply)

    def _failed(self, url: str, exc: BaseException) -> Response:
        self.errors.append((url, exc))
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Response(500, [("Content-Type", "text/plain")], text.encode())

    def close(self) -> None:
        if self.fallback is not None:
            self.fallback.close()


_BODY_HEADERS = ("content-type", "content-length")


@contextlib.contextmanager
def _flask_errors(app: WsgiApp, raised: list[BaseException]) -> Iterator[None]:
    """Collect the exceptions a Flask app turns into 500s while this is active."""
    if not isinstance(app, Flask):
        yield
        return

    def seen(sender: Flask, exception: BaseException, **extra: Any) -> None:
        raised.append(exception)

    with got_request_exception.connected_to(seen, sender=app):
        yield


def origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _parse(body: bytes, content_type: str | None) -> Postback | None:
    try:
        entries = parse_many(body, content_type)
    except ValueError:
        return None
    return entries[0].postback if entries else None


def http_fallback() -> Transport:
    return HttpTransport()
