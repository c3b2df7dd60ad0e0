"""MockPlatform operations: replay, cancel, reset, log queries, events, restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.config import ConfigError, Settings
from mockserver.platform import MockPlatform
from mockserver.wire.model import Postback
from tests.engine.conftest import Receiver, body, sms, vsettings


@pytest.fixture
def platform(receiver: Receiver) -> Iterator[MockPlatform]:
    with MockPlatform(vsettings(receiver)) as p:
        yield p


def test_replay_sends_again_as_a_new_chain(platform: MockPlatform, receiver: Receiver):
    pid = platform.schedule(sms(), body=body("a"), run_id="run-1")
    platform.advance(0)
    again = platform.replay(pid)
    platform.advance(0)
    assert again != pid
    assert receiver.bodies() == [body("a"), body("a")]
    item = platform.postback(again)
    assert item is not None
    assert item["replay_of"] == pid
    assert item["state"] == "delivered"
    assert item["run_id"] == "run-1"
    assert len(item["attempts_log"]) == 1
    assert len(platform.postback(pid)["attempts_log"]) == 1  # type: ignore[index]
    assert [p["id"] for p in platform.postbacks(replay_of=pid)] == [again]


def test_replay_unknown_id(platform: MockPlatform):
    with pytest.raises(KeyError):
        platform.replay(999)


def test_cancel(platform: MockPlatform, receiver: Receiver):
    pid = platform.schedule(sms(), delay=10, body=body("a"))
    assert platform.cancel(pid) is True
    assert platform.cancel(pid) is False
    platform.run_until_idle()
    assert receiver.requests == []
    assert platform.postback(pid)["state"] == "cancelled"  # type: ignore[index]


def test_reset_drops_everything(platform: MockPlatform, receiver: Receiver):
    platform.schedule(sms("A"), body=body("a"))
    platform.advance(0)
    platform.schedule(sms("B"), delay=10, body=body("b"))
    platform.reset()
    assert platform.postbacks() == []
    platform.run_until_idle()
    assert receiver.bodies() == [body("a")]
    assert platform.store.execute("SELECT COUNT(*) AS n FROM attempts") == [{"n": 0}]


def test_filters(platform: MockPlatform):
    platform.schedule(sms("A", "N201"), body=body("a"), run_id="r1")
    platform.schedule(sms("A", "N202"), delay=5, body=body("b"), run_id="r1")
    platform.schedule(Postback("MMS_MT", "N101", {"MMSID": "M9"}), body=body("c"))
    platform.advance(0)
    assert [p["code"] for p in platform.postbacks(tracking_id="A")] == ["N202", "N201"]
    assert [p["code"] for p in platform.postbacks(state="scheduled")] == ["N202"]
    assert len(platform.postbacks(run_id="r1")) == 2
    assert [p["message_key"] for p in platform.postbacks(code="N101")] == ["M9"]
    assert len(platform.postbacks(limit=1)) == 1
    with pytest.raises(ValueError, match="unknown filter"):
        platform.postbacks(colour="red")


def test_schedule_arguments(platform: MockPlatform):
    with pytest.raises(ValueError, match="either"):
        platform.schedule(sms(), at=1.0, delay=1.0, body=b"x")
    with pytest.raises(ValueError, match="delay"):
        platform.schedule(sms(), delay=-1, body=b"x")


def test_events(platform: MockPlatform, receiver: Receiver):
    receiver.plan("/postback", 500, 200)
    events: list[dict[str, Any]] = []
    unsubscribe = platform.subscribe(events.append)
    pid = platform.schedule(sms(), body=body("a"))
    platform.advance(300)
    other = platform.schedule(sms("B"), delay=5, body=body("b"))
    platform.cancel(other)
    platform.reset()
    unsubscribe()
    platform.schedule(sms("C"), body=body("c"))
    kinds = [(e["type"], e.get("id")) for e in events]
    assert kinds == [
        ("postback.scheduled", pid),
        ("postback.attempt", pid),
        ("postback.attempt", pid),
        ("postback.delivered", pid),
        ("postback.scheduled", other),
        ("postback.cancelled", other),
        ("platform.reset", None),
    ]
    assert events[1]["retry_at"] == events[0]["due"] + 300


def test_failing_subscriber_does_not_break_delivery(platform: MockPlatform, receiver):
    def boom(event: dict[str, Any]) -> None:
        raise RuntimeError("subscriber bug")

    platform.subscribe(boom)
    platform.schedule(sms(), body=body("a"))
    platform.advance(0)
    assert len(receiver.requests) == 1


def test_scheduled_postbacks_survive_a_restart(receiver: Receiver, tmp_path: Path):
    settings = vsettings(receiver, data_dir=str(tmp_path))
    with MockPlatform(settings) as p:
        start = p.now()
        pid = p.schedule(sms(), at=start + 60, body=body("later"))
    with MockPlatform(settings) as p:
        assert p.postback(pid)["state"] == "scheduled"  # type: ignore[index]
        p.run_until_idle()
        assert p.postback(pid)["state"] == "delivered"  # type: ignore[index]
    assert receiver.bodies() == [body("later")]


def test_configure_applies_live(platform: MockPlatform, receiver: Receiver):
    platform.configure(postback_url=receiver.url("/new"))
    platform.schedule(sms(), body=body("a"))
    platform.advance(0)
    assert receiver.bodies("/new") == [body("a")]
    assert platform.settings.postback_url == receiver.url("/new")


def test_render_is_used_without_body(platform: MockPlatform, monkeypatch: pytest.MonkeyPatch):
    import mockserver.wire as wire

    calls: list[tuple[Any, ...]] = []

    def render(code: str, fields: dict[str, Any], flavor: str = "", **options: Any) -> bytes:
        calls.append((code, fields, flavor, options))
        return b"<rendered/>"

    monkeypatch.setattr(wire, "render", render, raising=False)
    monkeypatch.setattr(wire, "content_type", lambda f, m: "text/xml", raising=False)
    pid = platform.schedule(sms("T7", "N202"), flavor="sinch-json")
    item = platform.postback(pid)
    assert item is not None
    assert item["body"] == b"<rendered/>"
    assert item["flavor"] == "sinch-json"
    fields = {"ORIGIN": "SMS_MT", "TRACKINGID": "T7", "STATUS": "Message Sent"}
    assert calls == [("N202", fields, "sinch-json", {"revision": "sky-a", "body_mode": "raw"})]


def test_sms_under_sinch_xml_is_written_in_skycore_xml(platform: MockPlatform) -> None:
    """Sinch's XML service has no SMS postbacks: the documented rule, not an error."""
    pid = platform.schedule(sms("T8", "N202"), flavor="sinch-xml")
    item = platform.postback(pid)
    assert item is not None
    assert item["flavor"] == "skycore-xml"
    assert item["body"].startswith(b"<?xml version='1.0'?>\n<POSTBACK xmlns:xsi=")


def test_virtual_clock_from_settings():
    with MockPlatform(Settings(clock="virtual", data_dir=":memory:")) as p:
        t = p.now()
        assert p.advance(5) == t + 5


def test_a_scenarios_folder_that_does_not_load_stops_the_platform_at_start(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: broken\nsteps: [\n")
    data = tmp_path / "data"
    with pytest.raises(ConfigError, match="scenarios") as info:
        MockPlatform(Settings(data_dir=str(data), scenarios=(str(folder),)))
    message = str(info.value)
    assert f"{folder / 'broken.yaml'}:3:1" in message
    assert f"mockserver validate {folder}" in message
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigError, match=f"no such file at {missing}; check the path"):
        MockPlatform(Settings(data_dir=":memory:", scenarios=(str(missing),)))
    (folder / "broken.yaml").unlink()  # fixed: the data folder was not left locked
    (folder / "mine.yaml").write_text(
        "name: my-sms\ndescription: an SMS MO\nkind: mo\nvars: {from: '15551234567', to: "
        "'60856', text: HI}\nsteps:\n  - postback: N211\n"
    )
    rules = ({"to": "1*", "scenario": "my-sms"},)
    settings = Settings(data_dir=str(data), scenarios=(str(folder),), api_routes=rules)
    with MockPlatform(settings) as platform:
        assert platform.settings.api_routes == rules
