"""Engine fixtures: a live receiver and virtual-clock platforms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.wire.model import Postback
from tests.receiver import Receiver, Reply, Request

__all__ = ["Receiver", "Reply", "Request"]


def vsettings(receiver: Receiver, **changes: object) -> Settings:
    base = Settings(clock="virtual", data_dir=":memory:", postback_url=receiver.url())
    return base.replace(**changes)


@pytest.fixture
def platform(receiver: Receiver) -> Iterator[MockPlatform]:
    """A platform on the virtual clock, in memory, posting to ``receiver``."""
    with MockPlatform(vsettings(receiver, timeout=2.0)) as p:
        yield p


def sms(tracking: str = "T1", code: str = "N201", origin: str = "SMS_MT") -> Postback:
    return Postback(origin, code, {"TRACKINGID": tracking, "STATUS": "Message Sent"})


def body(tag: str) -> bytes:
    return f"<POSTBACK><TAG>{tag}</TAG></POSTBACK>".encode()
