"""Fixtures for the plugin's tests: pytester runs with the plugin loaded either way."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pytest

PLUGIN = "mockserver.testing.plugin"
REGISTERED = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))


class Runner:
    """``pytester`` with the plugin on the command line unless pytest loads it by itself."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.plugin_args = () if REGISTERED else ("-p", PLUGIN)

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest(*self.plugin_args, "-p", "no:cacheprovider", *args)

    def subprocess(self, *args: str, timeout: float = 120) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess(*self.plugin_args, "-p", "no:cacheprovider",
                                                  *args, timeout=timeout)  # fmt: skip

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pytester, name)


@pytest.fixture
def runner(pytester: pytest.Pytester) -> Runner:
    return Runner(pytester)
