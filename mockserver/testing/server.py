"""``LiveServer``: the simulator on waitress in a background thread, port 0, for a test
session. Its platform records every attempt in a :class:`Receiver`, whose capture endpoint
(``/mock/capture/...``) is the default postback URL."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, Response, current_app, request

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.engine.transport import HttpTransport
from mockserver.platform import MockPlatform
from mockserver.testing.receiver import Receiver
from mockserver.testing.sim import Simulator
from mockserver.testing.transport import RecordingTransport

CAPTURE_PATH = "/mock/capture/postbacks"
THREADS = 8

capture = Blueprint("capture", __name__)


@capture.post("/mock/capture/<path:name>")
def captured(name: str) -> Response:
    """Answer a postback from the receiver's programmed replies (it was recorded on the way
    out, by the platform's transport)."""
    request.get_data()
    receiver: Receiver = current_app.extensions["mockserver.receiver"]
    status, body = receiver.next_reply()
    return Response(body, status=status, content_type="text/plain")


def server_settings(**settings: Any) -> Settings:
    """What a test server runs with: 127.0.0.1, port 0, in memory, virtual clock, unless
    ``settings`` say otherwise."""
    base: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "data_dir": ":memory:",
                            "clock": "virtual", "workers": 4, "drain_timeout": 2.0}  # fmt: skip
    return Settings(**{**base, **settings})


log = logging.getLogger("mockserver.testing")


class LiveServer:
    """Start with ``LiveServer(**settings)``; ``url``, ``sim`` (the :class:`Simulator`),
    ``close()``. Postbacks go to the capture endpoint unless ``postback_url`` is set."""

    def __init__(self, **settings: Any) -> None:
        from mockserver.httpserver import create_server

        self.settings = server_settings(**settings)
        self.receiver = Receiver()
        transport = RecordingTransport(HttpTransport(), self.receiver)
        self.platform = MockPlatform(self.settings, transport=transport)
        self.receiver.attach(self.platform)
        self.app = create_app(platform=self.platform)
        self.app.extensions["mockserver.receiver"] = self.receiver
        self.app.register_blueprint(capture)
        try:
            self._server = create_server(self.app, self.settings, THREADS)
        except BaseException:
            self.platform.close()
            raise
        self.port = int(self._server.effective_port)  # waitress gives text
        if self.settings.port == 0:  # media URLs in postbacks link to this server
            self.settings = self.platform.configure(port=self.port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.receiver.url = self.url + CAPTURE_PATH
        if self.settings.postback_url is None:
            self.platform.configure(postback_url=self.receiver.url)
        self.sim = Simulator(self.platform, self.receiver, url=self.url)
        self._thread = threading.Thread(target=self._server.run, name="mockserver-live",
                                        daemon=True)  # fmt: skip
        self._thread.start()

    def close(self) -> None:
        """Stop serving and close the platform (idempotent).

        The request threads end first: open event streams and slow replies are woken, and
        the threads finish what they serve. A thread that outlived the sockets would end its
        request by waking the loop through its pipe, by then closed: EBADF, or a byte written
        into whatever file took that descriptor number since."""
        if not self._thread.is_alive() and self._server is None:
            return
        server, self._server = self._server, None
        if server is not None:
            self.app.extensions["mockserver.events"].close()
            self.platform.api.close()
            server.task_dispatcher.shutdown(timeout=5)
            try:
                server.trigger.pull_trigger(lambda: _close_all(server))
            except OSError:  # its wake-up pipe is already gone: close from here
                log.warning("live server: wake-up pipe closed early; closing its sockets here")
                _close_all(server)
            self._thread.join(10)
        self.platform.close(drain_timeout=1.0)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_all(server: Any) -> None:
    """On the server's own loop thread: close every socket it watches; the loop then ends."""
    for channel in list(server._map.values()):
        try:
            channel.close()
        except OSError:  # already closed
            server._map.pop(getattr(channel, "_fileno", None), None)
