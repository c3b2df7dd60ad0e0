"""A real browser for the UI tests: Playwright driving the system's Chromium (Debian's
``chromium`` package; never a browser download). Tests skip only when Chromium or the
``playwright`` package is truly absent; CI (``.ci/run``) installs both."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for path in CHROMIUM_PATHS:
        if Path(path).is_file():
            return path
    return shutil.which("chromium")


def need_browser() -> Any:
    """The ``playwright.sync_api`` module, or a skip saying what is missing (a failure under
    CI, which installs Chromium: there the browser tests must run)."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but no Chromium: .ci/run installs it (apt-get install chromium)")
        pytest.skip("no Chromium (apt-get install chromium): browser tests skipped")
    return pytest.importorskip("playwright.sync_api", reason="pip install playwright")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    api = need_browser()
    with api.sync_playwright() as p:
        found = p.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        yield found
        found.close()


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = request.config.getoption("--screenshots")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
