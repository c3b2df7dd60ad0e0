"""The HTTP transport against canned raw responses: framing, keep-alive, stale connections."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from mockserver.engine.transport import MAX_LOGGED_BODY, HttpTransport


class Canned(socketserver.ThreadingTCPServer):
    """Answers each request with the next canned response; ``close_after`` closes the
    connection after that response (without saying so, like a server's idle timeout)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, responses: list[bytes], close_after: bool = False) -> None:
        self.responses = responses
        self.close_after = close_after
        self.requests: list[bytes] = []
        self.connections = 0
        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/pb?x=1"


class Handler(socketserver.BaseRequestHandler):
    server: Canned

    def handle(self) -> None:
        self.server.connections += 1
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                data = self.request.recv(65536)
                if not data:
                    return
                buf += data
            head, _, buf = buf.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(buf) < length:
                buf += self.request.recv(65536)
            self.server.requests.append(head + b"\r\n\r\n" + buf[:length])
            buf = buf[length:]
            self.request.sendall(self.server.responses.pop(0))
            if self.server.close_after:
                return


@pytest.fixture
def serve() -> Iterator[type[Canned]]:
    servers: list[Canned] = []

    def start(responses: list[bytes], close_after: bool = False) -> Canned:
        server = Canned(responses, close_after)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def transport() -> Iterator[HttpTransport]:
    t = HttpTransport()
    yield t
    t.close()


HEADERS = {"Content-Type": "text/xml", "Content-Length": "3"}


def test_request_shape_and_keep_alive(serve, transport: HttpTransport):
    server = serve([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nOK"] * 2)
    for _ in range(2):
        reply = transport.send(server.url, b"<x>", HEADERS, 2.0)
        assert (reply.status, reply.body, ("X-A", "b") in reply.headers) == (200, b"OK", True)
    assert server.connections == 1
    head = server.requests[0]
    assert head.startswith(b"POST /pb?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"Content-Type: text/xml\r\n" in head
    assert head.endswith(b"\r\n\r\n<x>")


def test_chunked_with_interim_100(serve, transport: HttpTransport):
    server = serve(
        [
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\n\r\n",
        ]
    )
    reply = transport.send(server.url, b"<x>", HEADERS, 2.0)
    assert (reply.status, reply.body) == (500, b"abcde")
    assert transport.send(server.url, b"<x>", HEADERS, 2.0).status == 204
    assert server.connections == 1


def test_http10_body_until_close(serve, transport: HttpTransport):
    server = serve([b"HTTP/1.0 200 OK\r\n\r\nall of it"] * 2, close_after=True)
    assert transport.send(server.url, b"<x>", HEADERS, 2.0).body == b"all of it"
    assert transport.send(server.url, b"<x>", HEADERS, 2.0).body == b"all of it"
    assert server.connections == 2


def test_stale_keep_alive_connection_is_retried_once(serve, transport: HttpTransport):
    server = serve([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"] * 2, close_after=True)
    assert transport.send(server.url, b"<x>", HEADERS, 2.0).status == 200
    assert transport.send(server.url, b"<x>", HEADERS, 2.0).status == 200
    assert server.connections == 2


def test_connection_close_header(serve, transport: HttpTransport):
    ok = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    server = serve([ok, ok], close_after=True)
    transport.send(server.url, b"<x>", HEADERS, 2.0)
    transport.send(server.url, b"<x>", HEADERS, 2.0)
    assert server.connections == 2


def test_big_body_is_truncated(serve, transport: HttpTransport):
    big = b"y" * (MAX_LOGGED_BODY * 2)
    server = serve([b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big])
    reply = transport.send(server.url, b"<x>", HEADERS, 2.0)
    assert len(reply.body) == MAX_LOGGED_BODY
    assert reply.truncated


def test_garbage_status_line(serve, transport: HttpTransport):
    server = serve([b"SPAM\r\n\r\n"])
    with pytest.raises(Exception, match="SPAM"):
        transport.send(server.url, b"<x>", HEADERS, 2.0)


def test_bad_url(transport: HttpTransport):
    with pytest.raises(ValueError, match="http"):
        transport.send("ftp://x/y", b"", {}, 1.0)


def test_refused(transport: HttpTransport):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        transport.send(f"http://127.0.0.1:{port}/", b"", {}, 1.0)
