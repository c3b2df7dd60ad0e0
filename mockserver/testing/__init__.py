"""Testing with mockserver: the pytest plugin's building blocks and the in-process mode.

``mock_platform`` (in-process, through ``responses``) needs the ``testing`` extra
(``pip install 'mockserver[testing]'``); the fixtures are in ``mockserver.testing.plugin``,
registered with pytest on install. See docs/pytest.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.testing.durations import seconds
    from mockserver.testing.inprocess import current, mock_platform
    from mockserver.testing.received import Received
    from mockserver.testing.receiver import Receiver, ReceiverError
    from mockserver.testing.server import LiveServer
    from mockserver.testing.sim import Moderation, ScenarioRun, SimClock, Simulator
    from mockserver.testing.transport import AppError, Delivery

__all__ = [
    "AppError",
    "Delivery",
    "LiveServer",
    "Moderation",
    "Received",
    "Receiver",
    "ReceiverError",
    "ScenarioRun",
    "SimClock",
    "Simulator",
    "current",
    "mock_platform",
    "seconds",
]

_LAZY = {
    "seconds": "mockserver.testing.durations",
    "Received": "mockserver.testing.received",
    "Receiver": "mockserver.testing.receiver",
    "ReceiverError": "mockserver.testing.receiver",
    "Moderation": "mockserver.testing.sim",
    "ScenarioRun": "mockserver.testing.sim",
    "SimClock": "mockserver.testing.sim",
    "Simulator": "mockserver.testing.sim",
    "mock_platform": "mockserver.testing.inprocess",
    "current": "mockserver.testing.inprocess",
    "LiveServer": "mockserver.testing.server",
    "AppError": "mockserver.testing.transport",
    "Delivery": "mockserver.testing.transport",
}


def __getattr__(name: str) -> Any:
    """Everything loads on first use: the plugin, imported by every pytest session where
    mockserver is installed, costs nothing until a fixture needs the simulator."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mockserver.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
