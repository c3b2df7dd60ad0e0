"""The README's commands are real: CI runs its test command, and its quick start works."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
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


VENV_TOOLS = ("mockserver", "ruff", "mypy", "pytest", "pip", "python")
ACTIVATE = "source .venv/bin/activate"


def test_serve_command_uses_the_defaults() -> None:
    assert block("serve-command").strip().endswith("mockserver serve")


def test_the_set_up_commands_share_one_virtual_environment() -> None:
    serve, tests = block("serve-command").strip(), block("test-command").strip()
    for command in (serve, tests):
        steps = [shlex.split(step) for step in command.split("&&")]
        assert steps[0] == ["python3", "-m", "venv", ".venv"], command
        assert all(step[0].startswith(".venv/bin/") for step in steps[1:]), command
    assert serve.endswith(".venv/bin/mockserver serve")
    assert tests.endswith(".venv/bin/python -m pytest")
    assert ACTIVATE in README.split("<!-- test-command -->", 1)[1].split("## Quick start")[0]


def _commands(script: str) -> list[list[str]]:
    """The simple commands of a shell block: comments dropped, continuations joined."""
    joined = script.replace("\\\n", " ")
    commands: list[list[str]] = []
    pending = ""
    for line in joined.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending = f"{pending}\n{line}" if pending else line
        try:
            commands.append(shlex.split(pending))
        except ValueError:  # a quoted string goes on over the next line
            continue
        pending = ""
    return commands


def test_every_later_command_finds_its_tool() -> None:
    """After the set-up, a block calls the environment's tools through .venv/bin/ or activates
    it first: a bare `mockserver` is not on a newcomer's PATH."""
    later = README.split("<!-- test-command -->", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", later, re.S)
    assert len(blocks) >= 5
    for script in blocks:
        active = False
        for words in _commands(script):
            active = active or words[:2] == ["source", ".venv/bin/activate"]
            tool = words[0]
            assert active or tool not in VENV_TOOLS, f"{tool} needs {ACTIVATE}:\n{script}"


def _venv_for(tmp_path: Path) -> Path:
    """The folder to run README blocks in: the project when its .venv is installed (CI, after
    the test command), else one whose .venv/bin holds this interpreter's mockserver."""
    if (ROOT / ".venv" / "bin" / "mockserver").exists():
        return ROOT
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n')
    shim = bin_dir / "mockserver"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mockserver "$@"\n')
    shim.chmod(0o755)
    return tmp_path


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
    (args,) = [words for words in _commands(block("run-command")) if words[0] == "mockserver"]
    args = args[1:]
    args[args.index(RECEIVER)] = receiver.url("/postbacks")
    result = CliRunner().invoke(main, [*args, "--clock", "virtual"])
    assert result.exit_code == 0, result.output
    assert [wire.parse(b).code for b in receiver.bodies()] == ["N101", "N102"]


@pytest.mark.slow
def test_run_command_as_written_in_a_new_terminal(tmp_path: Path, receiver: Receiver) -> None:
    script = block("run-command").replace(RECEIVER, receiver.url("/postbacks"))
    script = script.rstrip() + " --clock virtual\n"  # as written, the expiry comes in 30 s..2 h
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=_venv_for(tmp_path),
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert [wire.parse(b).code for b in receiver.bodies()] == ["N101", "N102"]


def _replies(script: str) -> list[dict[str, object]]:
    """Run a block of curl commands; their JSON answers."""
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_virtual_clock_releases_an_instant_mo_on_advance(
    tmp_path: Path, receiver: Receiver
) -> None:
    server = LiveServer(
        "--data-dir", str(tmp_path), "--postback-url", receiver.url("/postbacks"),
        "--clock", "virtual",
    )  # fmt: skip
    try:
        inject, release = block("virtual-clock").replace(SERVER, server.url).split("# release")

        (mo,) = _replies(inject)
        waiting = server.api("GET", f"/postbacks/{mo['postback_id']}").json()
        assert (waiting["state"], waiting["attempts"]) == ("scheduled", [])
        assert receiver.bodies() == []
        (clock,) = _replies("# release" + release)
        assert clock["now"] == waiting["due"]  # time did not move
        sent = server.api("GET", f"/postbacks/{mo['postback_id']}").json()
        assert sent["state"] == "delivered"  # done when advance answered
        assert [wire.parse(b).code for b in receiver.bodies("/postbacks")] == ["N211"]
    finally:
        server.stop()


def test_python_examples_in_docs_run() -> None:
    for doc in (ROOT / "docs").glob("*.md"):
        for snippet in re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            exec(compile(snippet, str(doc), "exec"), {})


def test_no_merge_leftovers_in_the_docs() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        bad = [n for n, line in enumerate(lines, 1) if line.startswith(("<<<<<<<", ">>>>>>>"))]
        assert not bad, f"{path.name}: merge conflict markers at lines {bad}"


def _anchors(text: str) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces '-'."""
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_links_between_the_docs_lead_somewhere() -> None:
    """Every relative link of the README and docs/ into the project names a file that
    exists, and an anchor that one of its headings makes."""
    broken = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("/"):
                continue  # a URL, or a path on the server
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            if not linked.is_relative_to(ROOT):
                continue  # outside the project (the shared folder beside a checkout)
            if not linked.exists():
                broken.append(f"{path.name}: {target} (no such file)")
            elif anchor and anchor not in _anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{path.name}: {target} (no such heading)")
    assert not broken, broken
