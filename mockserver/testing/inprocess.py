"""In-process mode: ``mock_platform(...)``, the simulator without sockets or threads.

While active, ``requests`` calls to the platform's API URLs (the real Skycore and Sinch hosts
and paths, and any configured) and to ``CONTROL_URL`` are answered by the simulator's own
Flask app, through ``responses``; postbacks go to a WSGI app or a callable, synchronously, when
the virtual clock moves. Every other URL goes where it went before (the network, or a
``responses`` mock already active), unless ``passthrough=False``.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import requests
import responses
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.testing.receiver import Receiver
from mockserver.testing.sim import Simulator
from mockserver.testing.transport import (
    AppError,
    Handler,
    InProcessTransport,
    RecordingTransport,
    WsgiApp,
    http_fallback,
)

#: The platform's API endpoints as production code calls them (PLATFORM.md section 10).
PLATFORM_API_URLS = (
    "https://secure.skycore.com/API/wxml/1.3/",
    "https://secure.sumotext.com/API/wxml/1.3/",
    "https://api.ci.mblox.com/ep/v1/",
    "https://api.ci.mblox.com/ep/v2/",
)
#: The simulator itself in-process: control API, platform API at its paths, capture endpoint.
CONTROL_URL = "http://mockserver.test"
APP_URL = "http://app.test/postbacks"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
F = TypeVar("F", bound=Callable[..., Any])

_active: list[Simulator] = []


def current() -> Simulator:
    """The innermost active in-process platform (for tests decorated with mock_platform)."""
    if not _active:
        raise RuntimeError("no mock_platform is active")
    return _active[-1]


class mock_platform:  # noqa: N801 - used like a function, as moto's mock_aws is
    """The simulator in-process, as a context manager (``with mock_platform(app) as sim``),
    a decorator (``@mock_platform(app)``; ``current()`` is the platform) or the
    ``mockserver_inprocess`` fixture.

    ``app``: a WSGI app (e.g. Flask) receiving the postbacks sent to ``postback_url``'s origin
    (default ``http://app.test/postbacks`` with an app or handler, else the receiver's
    capture URL); ``handler``: a callable taking a :class:`Delivery` instead. ``api_urls``:
    more base URLs the API is intercepted at (``PLATFORM_API_URLS`` always are);
    ``passthrough=False`` refuses every other URL; ``http_fallback=True`` sends postbacks for
    URLs no app claims over real HTTP; ``raise_app_errors`` re-raises an exception of the app
    after the clock step that met it (else the platform just sees a 500). ``settings``:
    any :class:`Settings` (``seed``, ``flavor``, ``revision``, ``moderation``, retry policy...).
    """

    def __init__(
        self,
        app: WsgiApp | None = None,
        *,
        handler: Handler | None = None,
        postback_url: str | None = None,
        api_urls: Iterable[str] = (),
        passthrough: bool = True,
        http_fallback: bool = False,
        raise_app_errors: bool = True,
        **settings: Any,
    ) -> None:
        self.app = app
        self.handler = handler
        self.postback_url = postback_url
        self.api_urls = (*PLATFORM_API_URLS, *api_urls)
        self.passthrough = passthrough
        self.http_fallback = http_fallback
        self.raise_app_errors = raise_app_errors
        self.settings = settings
        self._stack: list[contextlib.ExitStack] = []

    def __enter__(self) -> Simulator:
        stack = contextlib.ExitStack()
        try:
            sim = self._start(stack)
        except BaseException:
            stack.close()
            raise
        self._stack.append(stack)
        return sim

    def __exit__(self, *exc: object) -> None:
        self._stack.pop().close()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _start(self, stack: contextlib.ExitStack) -> Simulator:
        receiver = Receiver(CONTROL_URL + "/mock/capture/postbacks")
        router = InProcessTransport(receiver, http_fallback() if self.http_fallback else None)
        target = self.postback_url or (APP_URL if self.app or self.handler else receiver.url)
        if self.app is not None:
            router.add_app(target, self.app)
        if self.handler is not None:
            router.add_handler(target, self.handler)
        options = {"data_dir": ":memory:", "clock": "virtual", "postback_url": target,
                   **self.settings}  # fmt: skip
        platform = MockPlatform(Settings(**options), transport=RecordingTransport(router, receiver))
        stack.callback(platform.close)
        receiver.attach(platform)
        errors = router.errors if self.raise_app_errors else []
        sim = Simulator(platform, receiver, url=CONTROL_URL, shared=False,
                        after_step=functools.partial(_raise_first, errors))  # fmt: skip
        sim.responses = stack.enter_context(self._mock(create_app(platform=platform)))
        _active.append(sim)
        stack.callback(_active.remove, sim)
        return sim

    def _mock(self, app: Any) -> responses.RequestsMock:
        previous = requests.adapters.HTTPAdapter.send  # an active mock of the caller's, if any
        mock = responses.RequestsMock(
            assert_all_requests_are_fired=False, real_adapter_send=previous
        )
        forward = functools.partial(_forward, app)
        for base in (*self.api_urls, CONTROL_URL + "/"):
            pattern = re.compile(re.escape(base.rstrip("/")) + r"(/[^?#]*)?([?#].*)?$")
            for method in METHODS:
                mock.add_callback(method, pattern, callback=forward)
        if self.passthrough:
            mock.add_passthru(re.compile(".*"))
        return mock


def _raise_first(errors: list[tuple[str, BaseException]]) -> None:
    if errors:
        url, exc = errors.pop(0)
        errors.clear()
        raise AppError(f"the app raised while handling a postback to {url}: "
                       f"{type(exc).__name__}: {exc}") from exc  # fmt: skip


def _forward(app: Any, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
    """A ``requests`` call answered by the simulator's Flask app at the same path; the
    platform API straight from its backend (see :func:`_api_call`)."""
    path, _, query = (request.path_url or "/").partition("?")
    headers = [(k, v) for k, v in request.headers.items()
               if k.lower() not in ("host", "content-length")]  # fmt: skip
    args: dict[str, Any] = {
        "path": path,
        "query_string": query,
        "method": request.method or "GET",
        "base_url": "http://127.0.0.1",
        "data": _body(request.body),
        "headers": headers,
    }
    dialect = next((d for prefix, d in API_DIALECTS if path.startswith(prefix)), None)
    if dialect is not None:
        return _api_call(app, dialect, args, getattr(request, "req_kwargs", {}).get("timeout"))
    builder = EnvironBuilder(**args)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    app_iter, status, reply_headers = run_wsgi_app(app, environ, buffered=True)
    try:
        body = b"".join(app_iter)
    finally:
        getattr(app_iter, "close", lambda: None)()
    return int(status.split()[0]), dict(reply_headers.items()), body


#: Path prefixes of the platform API and their dialects (as ``web/platform_api.py`` routes).
API_DIALECTS = (("/API/wxml/1.3", "skycore"), ("/ep/v1/", "sinch-xml"), ("/ep/v2/", "sinch-json"))


def _api_call(
    app: Any, dialect: str, args: dict[str, Any], timeout: Any
) -> tuple[int, dict[str, str], bytes]:
    """The request read as the view reads it, answered by the backend. Faults take no time:
    a reply slower than the caller's ``timeout``, or a timeout fault, raises ``ReadTimeout``
    at once; a dropped connection raises ``ConnectionError``."""
    from mockserver.web.platform_api import read_call

    backend = app.extensions["mockserver"].api
    with app.test_request_context(**args):
        raw = read_call(dialect, backend.platform.settings.api_max_bytes)
    reply = backend.call(raw)
    limit = _read_timeout(timeout)
    if limit is not None and reply.delay > limit:
        raise requests.exceptions.ReadTimeout(
            f"mockserver (in-process): no reply within the request's timeout ({limit:g} s); "
            f"the platform API held it {reply.delay:g} s (call {reply.call_id})"
        )
    if reply.drop:
        raise requests.exceptions.ConnectionError(
            f"mockserver (in-process): the platform API dropped the connection without a reply "
            f"(call {reply.call_id})"
        )
    headers = {"Content-Type": reply.content_type, **dict(reply.headers)}
    return reply.status, headers, reply.body


def _read_timeout(timeout: Any) -> float | None:
    """The read part of a ``requests`` timeout (a number or a (connect, read) pair)."""
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    return None if timeout is None else float(timeout)


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return b"".join(part if isinstance(part, bytes) else str(part).encode() for part in body)
