"""Under waitress (``mockserver serve``): a dropped connection closes without a byte, a
timeout does too after ``api_timeout``, HTTP faults and replies go out as given."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live import LiveServer

SEND = "/API/wxml/1.3/index.php?action=sendsms&api_key=k&from=60856&text=hi&to="


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("live-api")
    live = LiveServer("--data-dir", str(folder), env={"MOCKSERVER_API_TIMEOUT": "0.2"})
    yield live
    live.stop()


def _until_closed(server: LiveServer, path: str) -> bytes:
    """Every byte the server sends on one keep-alive request until it closes (10 s bound)."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_dropped_connection_sends_nothing(server: LiveServer) -> None:
    assert _until_closed(server, SEND + "15551230444") == b""


def test_timeout_sends_nothing_after_the_wait(server: LiveServer) -> None:
    assert _until_closed(server, SEND + "15551230408") == b""


def test_replies_and_http_faults(server: LiveServer) -> None:
    ok = requests.get(server.url + SEND + "15551234899", timeout=10)
    assert ok.status_code == 200
    assert ok.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "<STATUS>Success</STATUS>" in ok.text
    busy = requests.get(server.url + SEND + "15551230429", timeout=10)
    assert (busy.status_code, busy.headers["Retry-After"]) == (429, "1")
    assert requests.get(server.url + SEND + "15551230503", timeout=10).status_code == 503
    calls = server.api("GET", "/calls").json()["calls"]
    assert {c["http_status"] for c in calls} >= {200, 429, 503}
