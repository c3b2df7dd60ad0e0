"""``create_server``: the waitress server of ``mockserver serve``, on every address of its host."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.httpserver import SeveralSockets, create_server
from mockserver.platform import MockPlatform


def test_a_host_with_two_addresses_listens_on_one_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """``localhost`` is 127.0.0.1 and ::1 on many machines: with port 0, both sockets get the
    port the first one got, and the server has the ``effective_port`` serve's banner needs."""
    real = socket.getaddrinfo

    def two_addresses(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "both.localhost":
            return real("127.0.0.1", port, *args, **kwargs) + real("::1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    settings = Settings(host="both.localhost", port=0, data_dir=":memory:")
    with MockPlatform(settings) as platform:
        server = create_server(create_app(platform=platform), settings, 2)
        try:
            assert isinstance(server, SeveralSockets)
            bound = {s.socket.getsockname()[:2] for s in server.map.values() if s.accepting}
            assert bound == {("127.0.0.1", server.effective_port), ("::1", server.effective_port)}
            assert server.effective_port > 0
        finally:
            server.close()
