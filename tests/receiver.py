"""A programmable postback receiver: stdlib ThreadingHTTPServer on 127.0.0.1, port 0."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes
    client: tuple[str, int]
    at: float = field(default_factory=time.monotonic)
    done: float = 0.0


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"OK"
    hang: bool = False  # block until the receiver is released (or closed)
    delay: float = 0.0  # a slow receiver: answer after this many seconds


class Receiver:
    """Records every POST; answers from per-path plans (a list of statuses/Replies, the last
    one repeating) or 200. ``hang`` replies block until ``release()``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.plans: dict[str, list[Reply]] = {}
        self.cond = threading.Condition()
        self.released = threading.Event()
        self.active = 0
        self.in_progress = 0
        self.max_in_progress = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str = "/postback") -> str:
        return self.base + path

    def plan(self, path: str, *replies: int | Reply) -> None:
        self.plans[path] = [r if isinstance(r, Reply) else Reply(r) for r in replies]

    def release(self) -> None:
        self.released.set()

    def bodies(self, path: str | None = None) -> list[bytes]:
        with self.cond:
            return [r.body for r in self.requests if path is None or r.path == path]

    def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; {len(self.requests)} requests seen")
                self.cond.wait(min(left, 0.05))

    def wait_count(self, n: int, timeout: float = 10.0) -> None:
        self.wait_for(lambda: len(self.requests) >= n, timeout)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def _reply(self, path: str) -> Reply:
        plan = self.plans.get(path)
        if not plan:
            return Reply()
        return plan.pop(0) if len(plan) > 1 else plan[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with receiver.cond:
                    receiver.active += 1

            def finish(self) -> None:
                try:
                    super().finish()
                finally:
                    with receiver.cond:
                        receiver.active -= 1
                        receiver.cond.notify_all()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request(self.path, dict(self.headers), body, self.client_address)
                with receiver.cond:
                    receiver.requests.append(request)
                    receiver.in_progress += 1
                    receiver.max_in_progress = max(receiver.max_in_progress, receiver.in_progress)
                    reply = receiver._reply(self.path)
                    receiver.cond.notify_all()
                if reply.hang or reply.delay:
                    receiver.released.wait(reply.delay or 30)
                with receiver.cond:
                    receiver.in_progress -= 1
                    request.done = time.monotonic()
                self.send_response(reply.status)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
