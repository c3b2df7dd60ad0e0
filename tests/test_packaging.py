"""A built wheel (not the checkout) carries the built-in scenarios and templates and runs."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("mockserver-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mockserver/_data/scenarios/mms-binary-expired.yaml" in names
    assert "mockserver/_data/templates/README.md" in names
    assert "mockserver/_data/templates/dashboard.html" in names
    assert "mockserver/_data/templates/static/ui.js" in names
    assert "mockserver/_data/templates/static/ui.css" in names
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=300
    )
    return target


def run_installed(target: Path, code: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_installed_wheel_lists_builtins_and_serves_the_ui(installed: Path, tmp_path: Path) -> None:
    code = (
        "import mockserver, mockserver.resources as r\n"
        "from mockserver.app import create_app\n"
        "from mockserver.config import Settings\n"
        "from mockserver.platform import MockPlatform\n"
        "print(mockserver.__file__)\n"
        "print(r.builtin_scenarios_dir())\n"
        "p = MockPlatform(Settings(data_dir=':memory:', clock='virtual'))\n"
        "c = create_app(platform=p).test_client()\n"
        "listed = c.get('/mock/api/v1/scenarios').get_json()['scenarios']\n"
        "page = c.get('/')\n"
        "assert b'Dashboard' in page.data, page.data[:300]\n"
        "with c.get('/ui/static/ui.css') as css:\n"
        "    assert css.status_code == 200\n"
        "print(page.status_code, len(listed))\n"
        "p.close()\n"
    )
    module, scenarios, status = run_installed(installed, code, tmp_path).splitlines()
    assert module.startswith(str(installed))
    assert scenarios == str(installed / "mockserver" / "_data" / "scenarios")
    assert status.split() == ["200", str(len(list((ROOT / "scenarios").glob("*.yaml"))))]


def test_installed_cli_lists_scenarios(installed: Path, tmp_path: Path) -> None:
    out = run_installed(installed, "from mockserver.cli import main; main(['list'])", tmp_path)
    assert "mms-binary-expired" in out


def test_installed_wheel_registers_the_pytest_plugin(installed: Path, tmp_path: Path) -> None:
    """No conftest, no -p: pytest finds the plugin through the wheel's pytest11 entry point."""
    (tmp_path / "test_uses_it.py").write_text(
        "def test_it(mockserver_scenario, mockserver_receiver):\n"
        "    mockserver_scenario('sms-delivered')\n"
        "    mockserver_receiver.assert_codes(['N201', 'N202'])\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
