"""``mockserver serve``: the app on waitress, a start-up banner, a clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from mockserver import __version__
from mockserver.app import create_app
from mockserver.config import ConfigError, Settings
from mockserver.platform import MockPlatform


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, insecure: bool) -> None:
    """Refuse to listen beyond this machine without a token (or an explicit --insecure)."""
    if is_loopback(settings.host) or settings.token or insecure:
        return
    raise ConfigError(
        "host",
        f"{settings.host} is reachable from other machines: set a token (--token SECRET or "
        "MOCKSERVER_TOKEN) so the control API and UI require it, or pass --insecure",
    )


def check_port(host: str, port: int) -> None:
    """Fail early, with the reason, when the address cannot be bound (waitress would leave its
    half-built sockets behind)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError("host", f"cannot resolve {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                "port", f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port"
            ) from None


def check_data_dir(data_dir: str) -> None:
    """Fail early, with the reason, when the store's folder is a file, cannot be created or
    cannot be written (SQLite would fail later, with a traceback, or in the delivery process)."""
    if data_dir == ":memory:":
        return
    path = Path(data_dir)
    hint = "choose another --data-dir (or :memory: to keep nothing)"
    if path.exists() and not path.is_dir():
        raise ConfigError("data_dir", f"{data_dir} is a file, not a folder; {hint}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("data_dir", f"cannot create {data_dir}: {exc.strerror}; {hint}") from None
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigError(
            "data_dir", f"cannot write in {data_dir}: {exc.strerror}; {hint}"
        ) from None


def open_platform(settings: Settings) -> MockPlatform:
    """The platform on ``settings.data_dir``; a store SQLite cannot open is a ConfigError."""
    try:
        return MockPlatform(settings, delivery=delivery_mode(settings))
    except sqlite3.Error as exc:
        raise ConfigError(
            "data_dir",
            f"cannot open the store in {settings.data_dir}: {exc}; choose another --data-dir",
        ) from None


def delivery_mode(settings: Settings) -> str:
    """Deliver from a child process whenever it can share the store: the HTTP server and the
    delivery engine then run on two cores instead of sharing one GIL (bench/serve.py)."""
    on_disk = settings.data_dir != ":memory:"
    posix = os.name == "posix"  # the child gets its end of a socket pair by fd inheritance
    return "process" if settings.clock == "real" and on_disk and posix else "thread"


def banner(settings: Settings, port: int, out: TextIO, delivery_pid: int | None = None) -> None:
    host = settings.host if ":" not in settings.host else f"[{settings.host}]"
    base = f"http://{host}:{port}"
    mo = settings.mo_postback_url or "(same as postbacks)"
    data = settings.data_dir if settings.data_dir == ":memory:" else f"{settings.data_dir}/"
    lines = [
        f"mockserver {__version__} listening on {base}",
        f"  UI              {base}/",
        f"  platform API    {base}/API/wxml/1.3/index.php  (Sinch: {base}/ep/v1/ XML, "
        f"/ep/v2/ JSON; {api_keys(settings)})",
        f"  control API     {base}/mock/api/v1  (OpenAPI: /mock/api/v1/openapi.json)",
        f"  postbacks  ->   {settings.postback_url or '(not set: --postback-url URL)'}",
        f"  MO postbacks -> {mo}",
        f"  flavour {settings.flavor}, revision {settings.revision}, clock {settings.clock} "
        f"x{settings.time_scale}, data {data}",
        f"  delivery: {settings.workers} workers in "
        + (f"process {delivery_pid}" if delivery_pid else "this process"),
        f"  {access(settings)}",
        "Press Ctrl+C to stop.",
    ]
    print("\n".join(lines), file=out, flush=True)


def api_keys(settings: Settings) -> str:
    count = len(settings.api_keys)
    return f"{count} API key{'s' * (count != 1)} accepted" if count else "any API key accepted"


def access(settings: Settings) -> str:
    if settings.token:
        return "token required for the control API and UI"
    if is_loopback(settings.host):
        return "no token (loopback only)"
    return "no token: anyone who reaches this address controls the simulator (--insecure)"


def serve(
    settings: Settings,
    *,
    insecure: bool = False,
    threads: int = 16,
    out: TextIO = sys.stdout,
    on_ready: Callable[[Any], None] | None = None,
) -> int:
    """Run until SIGINT/SIGTERM; in-flight postbacks drain for ``drain_timeout`` seconds."""
    import os as _os

    from mockserver.httpserver import create_server

    sys.setswitchinterval(float(_os.environ.get("MS_SWITCH", "0.005")))

    check_exposure(settings, insecure)
    check_port(settings.host, settings.port)
    check_data_dir(settings.data_dir)
    # "Task queue depth is N" on every request that waits for a thread: under a concurrent
    # client it logged (and cost) more than the requests it was about (bench/serve.py)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    platform = open_platform(settings)
    app = create_app(platform=platform, max_streams=max(1, threads // 2))
    hub = app.extensions["mockserver.events"]
    try:
        server = create_server(app, settings, threads)
    except OSError as exc:
        platform.close()
        raise ConfigError(
            "port", f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}"
        ) from None

    def stop(signum: int, frame: object) -> None:
        hub.close()
        raise SystemExit(0)

    if settings.port == 0:  # the system chose the port: links (media URLs, the UI) need it
        settings = platform.configure(port=int(server.effective_port))
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    banner(settings, server.effective_port, out, platform.delivery_pid)
    if on_ready is not None:
        on_ready(server)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        hub.close()
        server.close()
        drained = platform.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print(
            "mockserver stopped"
            + ("" if drained else " (undelivered attempts resume on the next start)"),
            file=out,
            flush=True,
        )
    return 0
