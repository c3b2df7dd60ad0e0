"""A fast local postback receiver for the benchmarks (127.0.0.1 only).

``python bench/_receiver.py`` prints the port on its first line and serves until stdin
closes (so it stops when the benchmark that started it ends). Answers every request with
``200 OK`` as soon as its body is in; keep-alive and pipelining, no Nagle delay, no logging.
It stands in for the developer's app, so it should cost as little CPU as it can: it is an
asyncio protocol that reads only the request line's end, ``Content-Length`` and the body
(the thread-per-connection ``http.server`` it replaces used about 100 us a postback).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nOK"
BAD = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Receiver(asyncio.Protocol):
    """One connection: requests are answered in order, each once its body is complete."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        buffer = self.buffer + data
        replies = 0
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            length = content_length(buffer[:end])
            if length is None:
                self.transport.write(BAD)
                self.transport.close()
                return
            total = end + 4 + length
            if len(buffer) < total:
                break
            buffer = buffer[total:]
            replies += 1
        self.buffer = buffer
        if replies:
            self.transport.write(OK * replies)


def content_length(head: bytes) -> int | None:
    """The head's Content-Length (0 when absent), None when it is not a whole number."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            number = value.strip()
            return int(number) if number.isdigit() else None
    return 0


async def serve_until_stdin_closes() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Receiver, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes the pipe
    server.close()


def serve() -> None:
    asyncio.run(serve_until_stdin_closes())


class ReceiverProcess:
    """Runs this module in a child process; ``url`` is its postback URL."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}/postback"

    def close(self) -> None:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()

    def __enter__(self) -> ReceiverProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve()
