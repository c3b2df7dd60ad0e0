"""The waitress server of ``mockserver serve``, with bounds that idle or slow clients cannot
exhaust.

- ``connection_limit`` (1000; waitress's default, 100, let about a hundred idle sockets make the
  whole server unreachable), with ``poll()`` instead of ``select()`` (limited to 1024 fds)
  and the process's open-file limit raised to fit;
- ``idle_timeout``: a connection with no request in progress and nothing received for that
  long is closed (waitress's ``channel_timeout``);
- ``header_timeout``: a request whose headers are not complete that long after its first
  byte is dropped (a client trickling a byte now and then is never idle; waitress has no
  such limit of its own);
- waitress's own errors (a request it cannot parse) are JSON, as the API's are;
- the thread pool (``--threads``) serves requests; an open event stream holds one thread, so
  streams are capped at half of them (``web/events.py`` answers 503 over the cap).
"""

from __future__ import annotations

import json
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from mockserver.config import Settings
from mockserver.web.api import error_payload


class JsonErrorTask(ErrorTask):  # type: ignore[misc]
    """Waitress's own answer to a request it cannot parse (a bad header, a body over its
    limits), as the API's JSON error instead of plain text."""

    def execute(self) -> None:
        error = self.request.error
        code = str(error.reason).lower().replace(" ", "_")
        message = f"{error.body}: the request is not valid HTTP/1.1"
        body = (json.dumps(error_payload(code, message)) + "\n").encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class HeaderTimedChannel(HTTPChannel):  # type: ignore[misc]
    """A connection that remembers when the request it is reading began."""

    error_task_class = JsonErrorTask
    header_started: float | None = None

    def received(self, data: bytes) -> bool:
        if data and self.request is None and self.header_started is None:
            self.header_started = time.monotonic()
        done: bool = super().received(data)
        if self.request is None or self.request.headers_finished:
            self.header_started = None
        return done


class BoundedServer(TcpWSGIServer):  # type: ignore[misc]
    channel_class = HeaderTimedChannel
    header_timeout = 15.0

    def maintenance(self, now: float) -> None:
        """Waitress closes idle connections; also close those stuck in their headers."""
        super().maintenance(now)
        cutoff = time.monotonic() - self.header_timeout
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "header_started", None)
            if started is not None and started < cutoff:
                channel.will_close = True


def adjustments(settings: Settings, threads: int) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "threads": threads,
        "ident": "mockserver",
        "connection_limit": settings.connection_limit,
        "channel_timeout": settings.idle_timeout,
        # how often idle and slow connections are looked for
        "cleanup_interval": max(1, min(settings.idle_timeout, settings.header_timeout) // 4),
        "asyncore_use_poll": True,
        "backlog": max(1024, min(settings.connection_limit, 4096)),
    }


def create_server(app: Any, settings: Settings, threads: int) -> Any:
    """What ``waitress.create_server`` builds for TCP, from :class:`BoundedServer`."""
    raise_open_files(settings.connection_limit + 256)
    adj = Adjustments(**adjustments(settings, threads))
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    sockets: dict[int, Any] = {}
    servers = []
    port = 0
    for family, kind, proto, address in adj.listen:
        if port:  # a name with several addresses and port 0: all on the port the first got
            address = (address[0], port, *address[2:])
        server = BoundedServer(app, sockets, True, None, dispatcher=dispatcher, adj=adj,
                               sockinfo=(family, kind, proto, address))  # fmt: skip
        server.header_timeout = float(settings.header_timeout)
        servers.append(server)
        port = port or int(server.effective_port)  # waitress gives it as text
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return SeveralSockets(sockets, adj, listening, dispatcher, port)


class SeveralSockets(MultiSocketServer):  # type: ignore[misc]
    """The server of a host name with several addresses (``localhost``: 127.0.0.1 and ::1),
    all on one port, ``effective_port`` as a single socket's server has it."""

    def __init__(
        self, sockets: dict[int, Any], adj: Adjustments, listening: list[Any], dispatcher: Any,
        port: int,
    ) -> None:  # fmt: skip
        super().__init__(sockets, adj, listening, dispatcher)
        self.effective_port = port


def raise_open_files(wanted: int) -> None:
    """Lift the soft limit of open files towards ``wanted`` (up to the hard limit)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
