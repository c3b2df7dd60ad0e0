"""The project's own test run: pytester for the plugin's tests, and the mockserver pytest
plugin when the installed package does not register it (an install made before the plugin
existed); a fresh ``pip install -e .`` registers it through its ``pytest11`` entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

PLUGIN = "mockserver.testing.plugin"
#: True when the installed package registers the plugin (pytest then loads it by itself).
REGISTERED = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))

pytest_plugins = ["pytester"] if REGISTERED else ["pytester", PLUGIN]
