"""Retention beyond postbacks: the send API's call log, runs' summaries and decided moderation
items are pruned by their caps (``keep_calls``, ``keep_runs``, ``keep_days``)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote_plus

import pytest

from mockserver.config import Settings
from mockserver.engine.retention import prune_all
from mockserver.platform import MockPlatform
from mockserver.sends.service import RawCall

DAY = 86400.0


def call(platform: MockPlatform, action: str, inner: str) -> bytes:
    """A platform API request as a form field ``xml``; the reply's body."""
    xml = f"<REQUEST><ACTION>{action}</ACTION><API_KEY>k</API_KEY>{inner}</REQUEST>"
    body = ("xml=" + quote_plus(xml)).encode()
    raw = RawCall("skycore", "POST", "/API/wxml/1.3/", form={"xml": xml}, body=body,
                  content_type="application/x-www-form-urlencoded")  # fmt: skip
    return platform.api.call(raw).body


def send_sms(platform: MockPlatform, to: str) -> None:
    call(platform, "sendSMS", f"<TO>{to}</TO><FROM>60856</FROM><TEXT>hi</TEXT>")


@pytest.fixture
def platform() -> Iterator[MockPlatform]:
    settings = Settings(clock="virtual", data_dir=":memory:", seed=5, keep_calls=3, keep_runs=2,
                        keep_saved_mms=2, postback_url="http://127.0.0.1:9/pb",
                        retry_attempts=0)  # fmt: skip
    with MockPlatform(settings) as found:
        yield found


def prune(platform: MockPlatform) -> int:
    return prune_all(platform.store, platform._retention())


def test_the_call_log_keeps_the_newest_keep_calls(platform: MockPlatform) -> None:
    for n in range(7):
        send_sms(platform, f"155512300{n:02d}99")
    prune(platform)
    assert [c["id"] for c in platform.api.call_log()] == [7, 6, 5]
    platform.configure(keep_calls=0)  # the count cap off: the age cap alone
    platform.advance(8 * DAY)
    send_sms(platform, "15551230999")
    prune(platform)
    assert [c["id"] for c in platform.api.call_log()] == [8]


def test_runs_are_kept_while_a_postback_waits(platform: MockPlatform) -> None:
    early = [platform.run_scenario("sms-delivered")["run_id"] for _ in range(3)]
    platform.run_until_idle()  # no receiver: both postbacks fail, final
    waiting = [platform.run_scenario("sms-delivered-late")["run_id"] for _ in range(2)]
    platform.advance(1)  # N201 is out; N202 comes in an hour: these two still wait
    late = platform.run_scenario("sms-delivered")["run_id"]
    platform.advance(2)
    prune(platform)
    kept = {r["run_id"] for r in platform.runs(100)}
    assert kept == {*waiting, late}  # beyond the newest 2, but their N202 is not final
    assert all(platform.run(run_id) is None for run_id in early)
    platform.run_until_idle()
    prune(platform)
    assert {r["run_id"] for r in platform.runs(100)} == {waiting[1], late}


def test_decided_moderation_items_go_after_keep_days(platform: MockPlatform) -> None:
    files = ["http://127.0.0.1:9/a.jpg"]
    first = platform.inbox.mms_mo("16315551234", "74700", files, moderation=True)
    second = platform.inbox.mms_mo("16315551235", "74700", files, moderation=True)
    platform.inbox.approve(first["moderation_id"])
    platform.advance(6 * DAY)
    prune(platform)
    assert len(platform.inbox.items(state=None)) == 2  # decided 6 days ago: kept
    platform.advance(2 * DAY)
    prune(platform)
    states = {item["id"]: item["state"] for item in platform.inbox.items(state=None)}
    assert states == {second["moderation_id"]: "pending"}  # the pending one stays, however old


def test_saved_mms_beyond_the_newest_keep_saved_mms_go_whatever_their_age(
    platform: MockPlatform,
) -> None:
    slide = "<SLIDE><IMAGE><URL>http://www.example.com/1.jpg</URL></IMAGE></SLIDE>"
    for n in range(4):
        call(platform, "saveMMS", f"<NAME>n{n}</NAME><SUBJECT>s</SUBJECT>{slide}")
    first = platform.api.saved.ids()
    platform.advance(30 * DAY)  # old, but among the newest two: kept
    prune(platform)
    assert platform.api.saved.ids() == first[2:]
    reply = call(platform, "sendSavedMMS", f"<MMSID>{first[0]}</MMSID><TO>15551230099</TO>"
                 "<FROM>60856</FROM>")  # fmt: skip
    assert b"<ERRORCODE>E241</ERRORCODE>" in reply  # pruned: unknown now, as documented


def test_removed_inbox_marks_go_with_their_mms_mo(platform: MockPlatform) -> None:
    sent = platform.inbox.mms_mo("16315551234", "74700", ["http://127.0.0.1:9/a.jpg"])
    inbox_id = sent["tracking_id"]
    platform.run_until_idle()
    reply = call(platform, "removeMMSInboxMessage", f"<MMSINBOXID>{inbox_id}</MMSINBOXID>")
    assert b"<STATUS>Success</STATUS>" in reply
    count = "SELECT COUNT(*) AS n FROM mms_inbox_removed"
    platform.advance(6 * DAY)
    prune(platform)
    assert platform.store.execute(count) == [{"n": 1}]
    platform.advance(2 * DAY)
    prune(platform)
    assert platform.store.execute(count) == [{"n": 0}]
    assert platform.postbacks(tracking_id=inbox_id) == []  # its N401 went the same round
