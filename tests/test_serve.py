"""``mockserver serve`` for real: a subprocess on waitress, stopped and restarted."""

from __future__ import annotations

import io
import json
import re
import signal
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from mockserver import wire
from mockserver.cli import main
from mockserver.config import ConfigError, Settings
from mockserver.serve import banner, check_exposure, is_loopback
from tests.engine.test_remote import alive
from tests.live import LiveServer, wait_until
from tests.receiver import Receiver

pytestmark = pytest.mark.slow


def test_state_survives_a_restart(tmp_path: Path, receiver: Receiver) -> None:
    args = ("--data-dir", str(tmp_path), "--postback-url", receiver.url(), "--moderation", "on")
    server = LiveServer(*args)
    found = re.search(r"delivery: 8 workers in process (\d+)", server.output)
    assert found, server.output  # the real clock on disk: a delivery process
    deliverer = int(found.group(1))
    try:
        assert alive(deliverer)
        assert server.api("GET", "/health").json()["status"] == "ok"
        sms = server.api(
            "POST", "/mo/sms", json={"from": "16315551234", "to": "60856", "text": "hi"}
        )
        assert sms.status_code == 201
        held = server.api(
            "POST", "/mo/mms", json={"from": "1", "to": "2", "files": ["http://x.test/a.jpg"]}
        )
        assert held.status_code == 202
        receiver.wait_count(1)
        wait_until(
            lambda: server.api("GET", "/postbacks?state=delivered").json()["postbacks"], what="log"
        )
    finally:
        assert server.stop() == 0
    assert "mockserver stopped" in server.output
    assert not alive(deliverer)  # stopped with its server
    again = LiveServer(*args)
    try:
        rows = again.api("GET", "/postbacks").json()["postbacks"]
        assert [(r["code"], r["state"]) for r in rows] == [("N211", "delivered")]
        items = again.api("GET", "/moderation").json()["items"]
        assert [i["id"] for i in items] == [held.json()["moderation_id"]]
        again.api("POST", f"/moderation/{items[0]['id']}/approve")
        receiver.wait_count(2)
    finally:
        again.stop(signal.SIGINT)
    assert wire.parse(receiver.bodies()[1]).code == "N401"


def test_banner_sse_and_token(tmp_path: Path, receiver: Receiver) -> None:
    server = LiveServer(
        "--data-dir", ":memory:", "--token", "s3cret", "--postback-url", receiver.url()
    )
    headers = {"X-Mockserver-Token": "s3cret"}
    try:
        assert "control API" in server.output
        assert "token required" in server.output
        assert "delivery: 8 workers in this process" in server.output  # :memory: is not shared
        assert server.api("GET", "/postbacks").status_code == 401
        with requests.get(
            server.url + "/mock/api/v1/events?types=postback.delivered&limit=3&timeout=20",
            headers=headers,
            stream=True,
            timeout=30,
        ) as stream:
            for text in ("a", "b", "c"):
                server.api(
                    "POST", "/mo/sms", headers=headers, json={"from": "1", "to": "2", "text": text}
                )
            data = [
                json.loads(line[6:])
                for line in stream.iter_lines(decode_unicode=True)
                if line and line.startswith("data: ")
            ]
        assert [e["type"] for e in data] == ["postback.delivered"] * 3
        assert [e["seq"] for e in data] == sorted(e["seq"] for e in data)
        texts = [wire.parse(b).fields["TEXT"] for b in receiver.bodies()]
        assert sorted(texts) == ["a", "b", "c"]  # three messages: any order (one per worker)
    finally:
        server.stop()


def test_send_mo_commands_against_a_live_server(receiver: Receiver) -> None:
    server = LiveServer("--data-dir", ":memory:", "--postback-url", receiver.url())
    try:
        runner = CliRunner()
        sms = runner.invoke(
            main,
            [
                "send-mo",
                "sms",
                "--from",
                "16315551234",
                "--to",
                "60856",
                "--text",
                "STOP",
                "--server",
                server.url,
            ],
        )
        assert sms.exit_code == 0, sms.output
        assert json.loads(sms.output)["fields"]["TEXT"] == "STOP"
        mms = runner.invoke(
            main,
            [
                "send-mo",
                "mms",
                "--from",
                "1",
                "--to",
                "74700",
                "--file",
                "http://x.test/a.jpg",
                "--keyword",
                "all",
                "--server",
                server.url,
            ],
        )
        assert mms.exit_code == 0, mms.output
        receiver.wait_count(2)
        bad = runner.invoke(
            main,
            [
                "send-mo",
                "mms",
                "--from",
                "1",
                "--to",
                "2",
                "--file",
                "nope",
                "--server",
                server.url,
            ],
        )
        assert bad.exit_code == 1
        assert "files[0] is not an http(s) URL" in bad.output
    finally:
        server.stop()
    down = CliRunner().invoke(
        main, ["send-mo", "sms", "--from", "1", "--to", "2", "--text", "x", "--server", server.url]
    )
    assert down.exit_code == 1
    assert "is `mockserver serve` running?" in down.output


def test_refuses_non_loopback_without_token() -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--data-dir", ":memory:"])
    assert result.exit_code == 2
    assert "set a token" in result.output
    check_exposure(Settings(host="0.0.0.0", token="t"), insecure=False)
    check_exposure(Settings(host="0.0.0.0"), insecure=True)
    with pytest.raises(ConfigError, match="--insecure"):
        check_exposure(Settings(host="192.0.2.1"), insecure=False)
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")


def test_serve_reports_bad_settings_before_starting() -> None:
    result = CliRunner().invoke(main, ["serve", "--flavor", "yaml"])
    assert result.exit_code == 2
    assert "'yaml' is not one of" in result.output
    env = {"MOCKSERVER_TIME_SCALE": "fast"}
    result = CliRunner().invoke(main, ["serve"], env=env)
    assert "MOCKSERVER_TIME_SCALE" in result.output


def test_port_in_use_is_a_clear_error(receiver: Receiver) -> None:
    port = receiver.base.rsplit(":", 1)[1]
    result = CliRunner().invoke(main, ["serve", "--port", port, "--data-dir", ":memory:"])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            Settings(),
            [
                "platform API    http://127.0.0.1:8055/API/wxml/1.3/index.php  (Sinch: "
                "http://127.0.0.1:8055/ep/v1/ XML, /ep/v2/ JSON; any API key accepted)",
                "flavour skycore-xml, revision sky-a, clock real x1.0, data ./.mockserver/",
                "no token (loopback only)",
            ],
        ),
        (
            Settings(host="0.0.0.0", api_keys=("a", "b"), revision="sky-b"),
            [
                "/ep/v2/ JSON; 2 API keys accepted)",
                "revision sky-b",
                "no token: anyone who reaches this address controls the simulator (--insecure)",
            ],
        ),
        (
            Settings(host="::1", token="t", api_keys=("a",)),
            ["http://[::1]:8055/API/wxml/1.3/index.php", "1 API key accepted)", "token required"],
        ),
    ],
)
def test_the_banner_names_the_platform_api_and_who_may_use_it(
    settings: Settings, expected: list[str]
) -> None:
    out = io.StringIO()
    banner(settings, 8055, out)
    text = out.getvalue()
    for part in expected:
        assert part in text, text
    assert "not built yet" not in text


def test_port_0_links_media_to_the_port_it_got(tmp_path: Path) -> None:
    server = LiveServer("--data-dir", ":memory:")
    try:
        run = server.api("POST", "/scenarios/mms-mo/runs", json={"seed": 3}).json()
        (row,) = server.api("GET", f"/postbacks?run_id={run['run_id']}").json()["postbacks"]
        body = server.api("GET", f"/postbacks/{row['id']}").json()["body"]
        assert f"{server.url}/mock/media/" in body
        assert server.api("GET", "/settings").json()["settings"]["port"] == int(
            server.url.rsplit(":", 1)[1]
        )
    finally:
        server.stop()
