"""Magic recipient numbers, routing rules and defaults: which scenario a send runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.api_rules import MAGIC_NUMBERS
from mockserver.app import create_app
from mockserver.config import ConfigError, Settings
from mockserver.config_sources import load_settings
from mockserver.platform import MockPlatform
from tests.sends.conftest import make_platform, postbacks, saved_mmsid, sky, value

#: magic code -> (sendSMS codes, sendSavedMMS codes) in sky-a, after the clock ran on 2 hours
DELIVERY_MAGIC = {
    "0000": (["N201", "N202"], ["N101", "N102"]),
    "0001": (["N201", "N202"], ["N101", "N102"]),  # sky-a: failure statuses on N202/N102
    "0003": (["N201", "N202"], ["N101", "N202"]),
    "0004": (["N201"], ["E101"]),
    "0005": (["N201", "N202"], ["N101", "N102"]),
    "0006": (["N201", "N202", "N211"], ["N101", "N102", "N211"]),
    "0007": (["N201", "N202", "N211"], ["N101", "N102", "N211"]),
    "0008": (["N201", "N202", "N211"], ["N101", "N102", "N211"]),
    "0202": (["N201", "N202"], ["N101", "N102"]),
}
STATUS = {"0001": ("Message Sent/Failed", "Message Sent/Rejected")}
REPLY = {"0006": "STOP", "0007": "YES", "0008": "HELP"}


def _send_sms(client: FlaskClient, to: str) -> str:
    return sky(client, "sendSMS", to=to, **{"from": "60856"}, text="Hi").get_data(as_text=True)


@pytest.mark.parametrize("code", sorted(DELIVERY_MAGIC))
def test_delivery_magic_numbers(code: str) -> None:
    with make_platform(time_scale=0.001) as platform:
        client = create_app(platform=platform).test_client()
        mmsid = saved_mmsid(client, platform)
        first = len(postbacks(platform))
        to = "1555123" + code
        assert "<STATUS>Success</STATUS>" in _send_sms(client, to)
        platform.advance(7200)
        sms = postbacks(platform)[first:]
        assert [p["code"] for p in sms] == DELIVERY_MAGIC[code][0]
        reply = sky(client, "sendSavedMMS", mmsid=mmsid, to=to, **{"from": "60856"})
        assert "<STATUS>Success</STATUS>" in reply.get_data(as_text=True)
        platform.advance(7200)
        mms = postbacks(platform)[first + len(sms) :]
        assert [p["code"] for p in mms] == DELIVERY_MAGIC[code][1]
        if code in STATUS:
            assert (sms[-1]["fields"]["STATUS"], mms[-1]["fields"]["STATUS"]) == STATUS[code]
        if code in REPLY:
            for answer in (sms[-1], mms[-1]):
                assert answer["fields"]["FROM"] == to  # the handset answers
                assert answer["fields"]["TO"] == "60856"
                assert answer["fields"]["TEXT"] == REPLY[code]


def test_expiring_magic_number() -> None:
    with make_platform(revision="sky-b") as platform:
        client = create_app(platform=platform).test_client()
        _send_sms(client, "15551230002")
        platform.advance(2 * 86400)
        found = postbacks(platform)
        assert [p["code"] for p in found] == ["N201", "E202"]
        assert found[-1]["fields"]["STATUS"] == "Message Sent/Expired"


def test_late_delivery_is_an_hour_late(client: FlaskClient, platform: MockPlatform) -> None:
    _send_sms(client, "15551230005")
    sent, delivered = postbacks(platform)
    assert (sent["code"], delivered["code"]) == ("N201", "N202")
    assert delivered["due"] - sent["due"] == pytest.approx(3600, abs=1)


def test_every_magic_number_is_tested() -> None:
    faults = {c for c, m in MAGIC_NUMBERS.items() if m.fault is not None} - {"0202"}
    assert set(MAGIC_NUMBERS) == set(DELIVERY_MAGIC) | {"0002"} | faults
    from tests.sends.test_faults import FAULT_MAGIC

    assert faults | {"0202"} == set(FAULT_MAGIC)


def test_magic_numbers_can_be_turned_off(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(api_magic_numbers=False)
    assert "<STATUS>Success</STATUS>" in _send_sms(client, "15551230713")


def test_a_routing_rule_picks_the_scenario(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(api_routes=(
        {"action": "sendsms", "to": "1444*", "scenario": "sms-failed"},
        {"from": "re:6[0-9]{4}", "carrier": "0001470", "scenario": "sms-not-delivered",
         "pin": "failed"},
    ))  # fmt: skip
    _send_sms(client, "14445550100")
    sky(client, "sendSMS", to="15557770100", **{"from": "60856"}, text="x", operatorid="0001470")
    _send_sms(client, "15557770101")  # no rule: the default
    platform.advance(7200)
    by_to = {}
    for p in postbacks(platform):
        by_to.setdefault(p["fields"]["TO"], []).append(p["code"])
    assert by_to == {"14445550100": ["N201"], "15557770100": ["N201", "N202"],
                     "15557770101": ["N201", "N202"]}  # fmt: skip
    calls = platform.api.call_log()
    assert [c["source"] for c in reversed(calls)] == ["rule 1", "rule 2", "default"]


def test_a_rule_marks_content_as_failing_to_encode(
    client: FlaskClient, platform: MockPlatform
) -> None:
    platform.configure(api_routes=({"action": "saveMMS", "content": "*bad*.mp3",
                                    "scenario": "mms-save-audio-failed"},))  # fmt: skip
    slide = "<SLIDE><AUDIO><URL>http://example.com/bad-1.mp3</URL></AUDIO></SLIDE>"
    mmsid = value(sky(client, "saveMMS", slide, subject="s", name="n"), "MMSID")
    platform.advance(3600)
    (failed,) = postbacks(platform)
    assert (failed["code"], failed["fields"]["AUDIONAME"]) == (
        "E002",
        "http://example.com/bad-1.mp3",
    )
    reply = sky(client, "sendSavedMMS", mmsid=mmsid, to="16501234123", **{"from": "60856"})
    assert value(reply, "ERRORCODE") == "E241"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"api_routes": ({"scenario": "sms-deliverd"},)},
         "rule 1: no scenario is named 'sms-deliverd' (built-in or in a scenarios folder); "
         "did you mean sms-delivered?"),
        ({"api_routes": ({"to": "1*", "fault": "E713"}, {"scenario": "sms-not-delivered",
                                                        "pin": "expird"})},
         "rule 2: sms-not-delivered has no branch labelled 'expird'; its branches: "),
        ({"api_defaults": {"sendsms": "my-flow"}}, "sendSMS: no scenario is named 'my-flow'"),
    ],
)  # fmt: skip
def test_a_rule_or_default_naming_no_scenario_is_refused(
    client: FlaskClient, platform: MockPlatform, change: dict[str, Any], message: str
) -> None:
    before = platform.settings
    with pytest.raises(ConfigError, match=next(iter(change))) as info:
        platform.configure(**change)
    assert message in str(info.value)
    assert platform.settings is before  # nothing changed
    answer = client.patch("/mock/api/v1/settings", json=change)
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]["message"]
    with pytest.raises(ConfigError, match=message.split(":")[0]):
        make_platform(**change)  # nor does a platform start with it


def test_a_routed_scenario_the_flavour_cannot_write_still_accepts(
    client: FlaskClient, platform: MockPlatform
) -> None:
    """The flavour changes live: a routed scenario it cannot write is noted, not refused."""
    platform.configure(api_routes=({"scenario": "sms-mo-legacy-bundle"},), flavor="sinch-json")
    assert "<STATUS>Success</STATUS>" in _send_sms(client, "15557770100")
    (call,) = platform.api.call_log()
    assert "sms-mo-legacy-bundle" in call["detail"]
    assert call["run_ids"] == []


def test_default_scenario_per_action(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(api_defaults={"sendSMS": "sms-failed"})
    _send_sms(client, "15557770100")
    platform.advance(60)
    assert [p["code"] for p in postbacks(platform)] == ["N201"]


def test_rule_probability_is_seeded() -> None:
    def sources() -> list[str]:
        rules = ({"to": "1555*", "fault": "E713", "probability": 0.5},)
        with make_platform(seed=3, api_routes=rules) as platform:
            client = create_app(platform=platform).test_client()
            for n in range(20):
                _send_sms(client, f"155577701{n:02d}")
            return [c["outcome"] for c in reversed(platform.api.call_log())]

    first = sources()
    assert first == sources()
    assert 3 < first.count("failure") < 17


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"to": "1*"}], "give a scenario to run or a fault"),
        ([{"scenario": "x", "colour": "red"}], "unknown key 'colour'"),
        ([{"scenario": "x", "action": "sendFax"}], "action 'sendFax' is not one of"),
        ([{"scenario": "x", "to": "re:("}], "to is not a valid regex"),
        ([{"fault": "E999"}], "fault 'E999' is not one of"),
        ([{"fault": "slow", "delay": 99}], "delay must be a number from 0 to 30"),
        ("nope", "must be a list of rules"),
    ],
)
def test_bad_rules_are_refused_with_the_fix(rules: object, message: str) -> None:
    with pytest.raises(ConfigError, match="api_routes") as info:
        Settings(api_routes=rules)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_bad_defaults_are_refused() -> None:
    with pytest.raises(ConfigError, match="'sendFax' is not an action"):
        Settings(api_defaults={"sendFax": "sms-delivered"})


def test_the_documented_toml_rules_load(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    toml = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert toml is not None
    (tmp_path / "mockserver.toml").write_text(toml.group(1))
    settings = load_settings(environ={}, cwd=tmp_path)
    assert [r.get("scenario", r.get("fault")) for r in settings.api_routes] == [
        "sms-failed", "mms-binary-rejected", "mms-save-audio-failed", "http-503"]  # fmt: skip
    assert settings.api_defaults == {"sendSMS": "my-own-sms-flow"}
    from_env = load_settings(
        environ={
            "MOCKSERVER_API_KEYS": "a, b",
            "MOCKSERVER_API_ROUTES": '[{"to": "1*", "fault": "drop"}]',
        }
    )
    assert (from_env.api_keys, from_env.api_routes) == (
        ("a", "b"),
        ({"to": "1*", "fault": "drop"},),
    )


def test_rules_and_keys_change_live(client: FlaskClient, platform: MockPlatform) -> None:
    patch = {"api_routes": [{"to": "1888*", "fault": "E713"}], "api_keys": ["k1"]}
    reply = client.patch("/mock/api/v1/settings", json=patch)
    assert reply.status_code == 200
    assert reply.get_json()["settings"]["api_keys"] == ["***"]
    bad = client.patch("/mock/api/v1/settings", json={"api_routes": [{"to": "1*"}]})
    assert bad.status_code == 400
    assert "give a scenario to run or a fault" in bad.get_json()["error"]["message"]
    query = {"action": "sendsms", "api_key": "k1", "to": "18880000099", "from": "60856",
             "text": "x"}  # fmt: skip
    assert value(client.get("/API/wxml/1.3/", query_string=query), "ERRORCODE") == "E713"
