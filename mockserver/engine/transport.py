"""How a postback travels: the ``Transport`` protocol and its HTTP implementation.

``HttpTransport`` keeps a pool of keep-alive connections per target (scheme, host, port); one
``timeout`` bounds the connect and every read; the connections are ``http11.Connection``.
Another transport (e.g. an in-process WSGI one for tests) only has to implement ``send`` and
``close``.

Simulator behaviour, not documented for the platform: a pooled connection that the receiver
closed while idle (no byte of a reply came back) is retried once on a fresh connection
within the same attempt, so a receiver's keep-alive timeout does not cost a 5-minute retry.
The request carries only Host, Content-Type and Content-Length (no User-Agent, as the
platform documents none).
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from mockserver.engine.http11 import Connection

#: Response bodies are logged up to this size.
MAX_LOGGED_BODY = 64 * 1024
#: A longer response body is not read to the end; the connection is dropped instead.
MAX_READ_BODY = 1024 * 1024
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
_PORTS = {"http": 80, "https": 443}


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    truncated: bool = False


class Transport(Protocol):
    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        """POST ``body`` to ``url``; raise OSError/http.client.HTTPException on failure."""
        ...

    def close(self) -> None: ...


_Key = tuple[str, str, int]


class HttpTransport:
    """HTTP/1.1 POST over pooled keep-alive connections (thread-safe)."""

    def __init__(self, max_idle_per_target: int = 64) -> None:
        self._idle: dict[_Key, list[Connection]] = {}
        self._lock = threading.Lock()
        self._max_idle = max_idle_per_target
        self._closed = False

    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        key = (parts.scheme, parts.hostname, parts.port or _PORTS[parts.scheme])
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn, reused = self._take(key, timeout)
        try:
            reply = conn.post(path, dict(headers), body, MAX_READ_BODY, timeout)
        except _STALE:
            conn.close()
            if not reused:
                raise
            conn = Connection(*key, timeout)  # the idle connection had gone stale: once more
            try:
                reply = conn.post(path, dict(headers), body, MAX_READ_BODY, timeout)
            except BaseException:
                conn.close()
                raise
        except BaseException:
            conn.close()
            raise
        if reply.complete and reply.keep_alive:
            self._give_back(key, conn)
        else:
            conn.close()
        return Response(
            status=reply.status,
            headers=reply.headers,
            body=reply.body[:MAX_LOGGED_BODY],
            truncated=len(reply.body) > MAX_LOGGED_BODY or not reply.complete,
        )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()

    def _take(self, key: _Key, timeout: float) -> tuple[Connection, bool]:
        with self._lock:
            conns = self._idle.get(key)
            conn = conns.pop() if conns else None
        if conn is None:
            return Connection(*key, timeout), False
        return conn, True

    def _give_back(self, key: _Key, conn: Connection) -> None:
        with self._lock:
            conns = self._idle.setdefault(key, [])
            if not self._closed and len(conns) < self._max_idle:
                conns.append(conn)
                return
        conn.close()
