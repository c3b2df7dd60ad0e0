"""Fixtures for scenario tests: a recording transport and a virtual-clock platform."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from mockserver.config import Settings
from mockserver.engine.clock import VirtualClock
from mockserver.engine.transport import Response
from mockserver.platform import MockPlatform
from mockserver.scenarios import Library

START = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
URL = "http://receiver.test/postback"


@dataclass
class Sent:
    url: str
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class Recorder:
    """A transport that answers 200 to everything and keeps what it got."""

    clock: VirtualClock
    sent: list[Sent] = field(default_factory=list)

    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        self.sent.append(Sent(url, body, dict(headers), self.clock.now()))
        return Response(200)

    def close(self) -> None:
        pass


@pytest.fixture(scope="session")
def library() -> Library:
    return Library()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(start=START.timestamp())


@pytest.fixture
def recorder(clock: VirtualClock) -> Recorder:
    return Recorder(clock)


@pytest.fixture
def platform(clock: VirtualClock, recorder: Recorder) -> Iterator[MockPlatform]:
    settings = Settings(clock="virtual", data_dir=":memory:", postback_url=URL)
    with MockPlatform(settings, clock=clock, transport=recorder) as p:
        yield p
