"""``LiveServer.close``: the request threads end before the sockets and the wake-up pipe."""

from __future__ import annotations

import logging
import socket

import pytest

from mockserver.testing.server import LiveServer


def _open_stream(port: int) -> socket.socket:
    """An event stream, read until its first event: a request thread now serves it."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /mock/api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    received = b""
    while b"retry:" not in received:
        chunk = sock.recv(4096)
        assert chunk, received
        received += chunk
    assert received.startswith(b"HTTP/1.1 200"), received
    return sock


def test_close_ends_the_request_threads_before_the_sockets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An open event stream holds a request thread (its heartbeat is minutes away); close
    wakes it, waits for every thread, and only then closes the sockets, so no thread is
    left to wake the closed loop through its closed pipe."""
    live = LiveServer()
    server = live._server
    streams = [_open_stream(live.port) for _ in range(2)]
    with caplog.at_level(logging.WARNING):
        live.close()
    assert not server.task_dispatcher.threads  # every request thread has ended
    for sock in streams:
        rest = b""
        while chunk := sock.recv(4096):
            rest += chunk
        assert rest.endswith(b"0\r\n\r\n")  # the stream's chunked body was ended, not cut
        sock.close()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("waitress")] == []


def test_close_twice_is_harmless() -> None:
    live = LiveServer()
    live.close()
    live.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", live.port), timeout=2)


def test_media_urls_in_postbacks_lead_to_the_port_the_system_chose() -> None:
    """Port 0: the links an MMS MO carries use the port the server got, not 0."""
    with LiveServer() as live:
        run = live.platform.run_scenario("mms-mo", seed=3)
        (postback,) = live.platform.postbacks(run_id=run["run_id"])
        body = live.platform.postback(postback["id"])["body"].decode()
        assert f"{live.url}/mock/media/" in body
        assert live.sim.settings.base_url == live.url
