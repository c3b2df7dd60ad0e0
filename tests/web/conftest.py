"""A virtual-clock platform in memory, its app and a test client; a live receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.receiver import Receiver


@pytest.fixture
def platform(receiver: Receiver) -> Iterator[MockPlatform]:
    settings = Settings(clock="virtual", data_dir=":memory:", postback_url=receiver.url(), seed=7)
    with MockPlatform(settings) as found:
        yield found


@pytest.fixture
def app(platform: MockPlatform) -> Flask:
    return create_app(platform=platform)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
