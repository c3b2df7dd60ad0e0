"""A small blocking HTTP/1.1 client connection for postbacks.

Why not http.client: its header parsing goes through the ``email`` package, which was a
third of the dispatcher's CPU in the benchmark (bench/dispatch.py). This client writes the
request in one ``sendall`` and parses the status line and headers with ``bytes`` operations.
It understands Content-Length, chunked and close-delimited bodies, 1xx interim responses,
``Connection: close`` and HTTP/1.0; TLS through ``ssl`` for https URLs. One ``timeout``
bounds the connect and every read (what http.client does too).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass, field

_CHUNK = 65536
_MAX_HEAD = 65536
_NO_BODY = (204, 304)


@dataclass(slots=True)
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    complete: bool = True  # the whole body was read
    keep_alive: bool = True


class Connection:
    """One keep-alive connection to ``host:port``; not thread-safe (one request at a time)."""

    def __init__(self, scheme: str, host: str, port: int, timeout: float) -> None:
        sock = socket.create_connection((host, port), timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self._buf = bytearray()
        self.host_header = host if port in (80, 443) else f"{host}:{port}"
        if ":" in host and not host.startswith("["):
            self.host_header = f"[{host}]:{port}"

    def close(self) -> None:
        self.sock.close()

    def post(self, path: str, headers: dict[str, str], body: bytes, limit: int, timeout: float
             ) -> Reply:  # fmt: skip
        """Send one POST and read the reply (at most ``limit`` body bytes)."""
        self.sock.settimeout(timeout)
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        reply, version = self._read_head(first=True)
        while 100 <= reply.status < 200:
            reply, version = self._read_head(first=False)
        fields = {k.lower(): v.lower() for k, v in reply.headers}
        connection = fields.get("connection", "")
        reply.keep_alive = (
            "close" not in connection if version >= 11 else "keep-alive" in connection
        )
        if reply.status in _NO_BODY:
            return reply
        if "chunked" in fields.get("transfer-encoding", ""):
            self._read_chunked(reply, limit)
        elif "content-length" in fields:
            self._read_length(reply, _length(fields["content-length"]), limit)
        else:
            reply.keep_alive = False
            self._read_to_close(reply, limit)
        return reply

    def _fill(self, first_byte: bool = False) -> None:
        data = self.sock.recv(_CHUNK)
        if not data:
            if first_byte:
                raise http.client.RemoteDisconnected("Remote end closed connection")
            raise http.client.IncompleteRead(bytes(self._buf))
        self._buf += data

    def _read_head(self, first: bool) -> tuple[Reply, int]:
        while (end := self._buf.find(b"\r\n\r\n")) < 0:
            if len(self._buf) > _MAX_HEAD:
                raise http.client.LineTooLong("response head")
            self._fill(first_byte=first and not self._buf)
        head = bytes(self._buf[:end]).decode("latin-1")
        del self._buf[: end + 4]
        status_line, *header_lines = head.split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise http.client.BadStatusLine(status_line)
        headers = []
        for line in header_lines:
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip(), value.strip()))
        version = 11 if parts[0] == "HTTP/1.1" else 10
        return Reply(int(parts[1]), headers), version

    def _take(self, n: int) -> bytes:
        while len(self._buf) < n:
            self._fill()
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def _read_length(self, reply: Reply, length: int, limit: int) -> None:
        if length > limit:
            reply.body, reply.complete, reply.keep_alive = self._take(limit), False, False
        else:
            reply.body = self._take(length)

    def _read_chunked(self, reply: Reply, limit: int) -> None:
        parts: list[bytes] = []
        size = 0
        while True:
            while (eol := self._buf.find(b"\r\n")) < 0:
                self._fill()
            line = bytes(self._buf[:eol]).split(b";", 1)[0].strip()
            del self._buf[: eol + 2]
            n = int(line, 16)
            if n == 0:
                self._skip_trailers()
                break
            if size + n > limit:
                parts.append(self._take(limit - size))
                reply.complete, reply.keep_alive = False, False
                break
            parts.append(self._take(n))
            self._take(2)
            size += n
        reply.body = b"".join(parts)

    def _skip_trailers(self) -> None:
        while True:
            while (eol := self._buf.find(b"\r\n")) < 0:
                self._fill()
            del self._buf[: eol + 2]
            if eol == 0:
                return

    def _read_to_close(self, reply: Reply, limit: int) -> None:
        while len(self._buf) <= limit:
            data = self.sock.recv(_CHUNK)
            if not data:
                break
            self._buf += data
        reply.complete = len(self._buf) <= limit
        reply.body = bytes(self._buf[:limit])
        self._buf.clear()


def _length(value: str) -> int:
    if not value.strip().isdigit():
        raise http.client.HTTPException(f"bad Content-Length {value!r}")
    return int(value)
