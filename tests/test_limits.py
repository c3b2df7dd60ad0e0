"""Idle and slow clients cannot make the server unreachable (bench/connections.py: 500 idle).

A live ``mockserver serve`` on 127.0.0.1; no timing is asserted, only what answers and what
is closed (generous socket timeouts bound every wait).
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator

import pytest
import requests

from tests.live import LiveServer, wait_until

WAIT = 20.0  # seconds a socket waits for the server before the test fails


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    limits = ["--threads", "4", "--heartbeat", "0.2"]
    limits += ["--idle-timeout", "60", "--header-timeout", "1"]
    live = LiveServer("--clock", "virtual", "--data-dir", ":memory:", *limits)
    yield live
    live.stop()


def _address(server: LiveServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


@contextlib.contextmanager
def idle_sockets(server: LiveServer, count: int) -> Iterator[list[socket.socket]]:
    opened = []
    try:
        for _ in range(count):
            opened.append(socket.create_connection(_address(server), timeout=WAIT))
        yield opened
    finally:
        for sock in opened:
            sock.close()


def test_health_answers_beside_150_idle_connections(server: LiveServer) -> None:
    """Waitress's default limit (100 connections) left these requests unanswered."""
    with idle_sockets(server, 150):
        assert server.api("GET", "/health", timeout=WAIT).json()["status"] == "ok"
        assert server.api("GET", "/settings", timeout=WAIT).status_code == 200


def _stream(server: LiveServer) -> requests.Response:
    return server.api("GET", "/events", stream=True, timeout=WAIT)


def test_event_streams_are_capped_with_a_503(server: LiveServer) -> None:
    """4 threads: 2 streams at most; the third is told to come back, the API still answers."""
    first, second = _stream(server), _stream(server)
    try:
        assert first.status_code == second.status_code == 200
        refused = _stream(server)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"].isdigit()
        assert refused.json()["error"]["code"] == "too_many_streams"
        assert server.api("GET", "/health", timeout=WAIT).status_code == 200
    finally:
        first.close()
        second.close()


def test_the_heartbeat_frees_the_streams_of_gone_clients(server: LiveServer) -> None:
    for _ in range(2):
        _stream(server).close()  # the client goes; the server learns it on its next write

    def reopened() -> bool:
        response = _stream(server)
        response.close()
        return response.status_code == 200

    wait_until(reopened, timeout=WAIT, what="a stream slot to be freed by the heartbeat")


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


def test_a_request_trickling_its_headers_is_dropped(server: LiveServer) -> None:
    """--header-timeout 1: well before the 60 s idle timeout."""
    with idle_sockets(server, 1) as (sock,):
        sock.sendall(b"GET /mock/api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert _closed_by_server(sock)
    assert server.api("GET", "/health", timeout=WAIT).status_code == 200


def test_idle_connections_are_closed() -> None:
    live = LiveServer("--clock", "virtual", "--data-dir", ":memory:", "--idle-timeout", "1")
    try:
        with idle_sockets(live, 1) as (sock,):
            assert _closed_by_server(sock)
    finally:
        live.stop()


def test_a_request_waitress_cannot_parse_gets_a_json_error(server: LiveServer) -> None:
    with idle_sockets(server, 1) as (sock,):
        sock.sendall(b"POST /mock/api/v1/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad\x7f: 1\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ", 2)[1] == b"400"
    assert b"Content-Type: application/json" in head
    error = json.loads(body)["error"]
    assert error["code"] == "bad_request"
    assert "header" in error["message"].lower()
