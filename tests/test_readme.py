"""The README's commands are real: CI runs its test command, and its quick start works."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockserver import wire
from mockserver.cli import main
from tests.live import LiveServer, wait_until
from tests.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SERVER, RECEIVER = "http://127.0.0.1:8055", "http://127.0.0.1:5000/postbacks"


def block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)```", README, re.S)
    assert match, marker
    return match.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
    assert "mypy --strict mockserver" in ci
    assert "ruff check ." in ci
    assert "pytest" in block("test-command")


def test_serve_command_uses_the_defaults() -> None:
    assert block("serve-command").strip().endswith("mockserver serve")


@pytest.mark.slow
def test_quick_start_against_a_live_server(tmp_path: Path, receiver: Receiver) -> None:
    server = LiveServer(
        "--data-dir",
        str(tmp_path),
        "--postback-url",
        receiver.url("/postbacks"),
        "--time-scale",
        "0.0002",
    )
    try:
        script = block("quickstart").replace(SERVER, server.url)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        replies = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        assert replies[0]["fields"]["TEXT"] == "STOP"
        assert replies[1]["scenario"] == "mms-binary-expired"
        assert "postbacks" in replies[2]
        receiver.wait_count(3)
        wait_until(lambda: len(receiver.bodies("/postbacks")) == 3, what="3 postbacks")
        codes = sorted(wire.parse(b).code for b in receiver.bodies("/postbacks"))
        assert codes == ["N101", "N102", "N211"]
    finally:
        server.stop()


def test_send_sms_example_of_the_readme() -> None:
    from mockserver.app import create_app
    from mockserver.config import Settings

    script = block("send-sms")
    xml = re.search(r"'xml=(.*?)'", script, re.S)
    assert xml, script
    settings = Settings(clock="virtual", data_dir=":memory:", postback_url=RECEIVER)
    app = create_app(settings)
    platform = app.extensions["mockserver"]
    try:
        path = script.split("http://127.0.0.1:8055", 1)[1].split()[0]
        reply = app.test_client().post(path, data={"xml": xml.group(1)})
        assert "<TRACKINGID>U01TXzc2Nzg2Nw==</TRACKINGID>" in reply.get_data(as_text=True)
        platform.advance(60)
        codes = [p["code"] for p in reversed(platform.postbacks())]
        assert codes == ["N201", "N202", "N211"]
    finally:
        platform.close()


def test_run_command_of_the_readme(receiver: Receiver) -> None:
    args = shlex.split(block("run-command").strip())[1:]
    args[args.index(RECEIVER)] = receiver.url("/postbacks")
    result = CliRunner().invoke(main, [*args, "--clock", "virtual"])
    assert result.exit_code == 0, result.output
    assert [wire.parse(b).code for b in receiver.bodies()] == ["N101", "N102"]


def test_python_examples_in_docs_run() -> None:
    for doc in (ROOT / "docs").glob("*.md"):
        for snippet in re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            exec(compile(snippet, str(doc), "exec"), {})
