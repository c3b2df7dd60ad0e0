"""Helpers of the fast-lane tests (SMS MO injection, the send API): a request as the WSGI
server sees its answer, and which requests the lane hands on to Flask."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask
from werkzeug.test import Client

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.engine.clock import VirtualClock
from mockserver.platform import MockPlatform
from mockserver.web.lane import FastLane

Answer = tuple[str, list[tuple[str, str]], bytes]


def lane_app(fast_lane: bool, seed: int, **settings: Any) -> Iterator[Flask]:
    """The app, with its fast lane or Flask only, on a seeded platform at a fixed virtual
    time (so both answer the same bytes)."""
    config = Settings(clock="virtual", data_dir=":memory:", seed=seed, **settings)
    with MockPlatform(config, clock=VirtualClock(start=1_767_225_600.0)) as platform:
        yield create_app(platform=platform, fast_lane=fast_lane)


def post(app: Flask, path: str, body: bytes, content_type: str | None, **kwargs: Any) -> Answer:
    """Status line, headers and body as the WSGI server gets them."""
    client = Client(app, use_cookies=False)  # a Cookie header of our own
    response = client.post(path, data=body, content_type=content_type, **kwargs)
    return response.status, response.headers.to_wsgi_list(), response.get_data()


def spy_on_flask(app: Flask) -> list[str]:
    """The paths the lane hands on to Flask, from now on."""
    lane = app.wsgi_app
    assert isinstance(lane, FastLane)
    seen: list[str] = []
    inner = lane.flask

    def spy(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    lane.flask = spy
    return seen
