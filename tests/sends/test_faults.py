"""Faults on the API itself, API keys, the rate limit, the body limit, every backend error
code, and the call log."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.platform import MockPlatform
from mockserver.sends import actions
from mockserver.web.platform_api import Dropped
from tests.sends.conftest import SKY, SLIDES, make_platform, postbacks, saved_mmsid, sky, value

#: magic code -> (HTTP status or None for a dropped connection, error code or None)
FAULT_MAGIC = {
    "0114": (200, "E114"),
    "0628": (200, "E628"),
    "0713": (200, "E713"),
    "0715": (200, "E715"),
    "0500": (500, None),
    "0503": (503, None),
    "0429": (429, None),
    "0444": (None, None),
    "0408": (None, None),
    "0202": (200, None),
}


def _send(client: FlaskClient, to: str) -> tuple[int, str]:
    reply = sky(client, "sendSMS", to=to, **{"from": "60856"}, text="Hi")
    return reply.status_code, reply.get_data(as_text=True)


@pytest.mark.parametrize("code", sorted(FAULT_MAGIC))
def test_fault_magic_numbers(code: str) -> None:
    with make_platform(api_timeout=0.01, time_scale=0.001) as platform:
        client = create_app(platform=platform).test_client()
        status, error = FAULT_MAGIC[code]
        to = "1555123" + code
        if status is None:
            with pytest.raises(Dropped):
                _send(client, to)
            assert platform.api.call_log()[0]["outcome"] == "fault"
            assert postbacks(platform) == []
            return
        got, body = _send(client, to)
        assert got == status
        if error is not None:
            assert value_of(body, "ERRORCODE") == error
            assert body.endswith(f"<TO>{to}</TO>\n</RESPONSE>")
        if status == 429:
            reply = sky(client, "sendSMS", to=to, **{"from": "60856"}, text="Hi")
            assert reply.headers["Retry-After"] == "1"
        accepted = code == "0202"
        assert bool(postbacks(platform)) == accepted  # a refused call starts nothing


def value_of(body: str, name: str) -> str:
    return body.split(f"<{name}>")[1].split(f"</{name}>")[0]


def test_slow_reply_waits_then_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    with make_platform(api_routes=({"to": "1666*", "fault": "slow", "delay": 2.0},)) as platform:
        waited: list[float] = []
        monkeypatch.setattr(platform.api, "wait", waited.append)
        client = create_app(platform=platform).test_client()
        status, body = _send(client, "16660000099")
        assert status == 200
        assert "<STATUS>Success</STATUS>" in body
        assert waited == [2.0]


def test_timeout_waits_the_setting_then_drops(monkeypatch: pytest.MonkeyPatch) -> None:
    with make_platform(api_timeout=35.0) as platform:
        waited: list[float] = []
        monkeypatch.setattr(platform.api, "wait", waited.append)
        client = create_app(platform=platform).test_client()
        with pytest.raises(Dropped):
            _send(client, "15551230408")
        assert waited == [35.0]


def test_closing_the_platform_ends_a_wait() -> None:
    platform = make_platform()
    platform.close()
    platform.api.wait(30.0)  # returns at once: the platform is closing


def test_rule_faults_http_and_codes(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(api_routes=(
        {"to": "1777*", "fault": "http-429", "retry_after": 7},
        {"action": "getmmsids", "fault": "E503"},
    ))  # fmt: skip
    reply = sky(client, "sendSMS", to="17770000099", **{"from": "60856"}, text="x")
    assert (reply.status_code, reply.headers["Retry-After"]) == (429, "7")
    assert value(sky(client, "getMmsIds"), "ERRORCODE") == "E503"


def test_api_keys_any_by_default_enforced_when_configured(
    client: FlaskClient, platform: MockPlatform
) -> None:
    assert "Success" in _send(client, "15557770100")[1]
    platform.configure(api_keys=("good",))
    status, body = _send(client, "15557770100")
    assert status == 200
    assert value_of(body, "ERRORCODE") == "E104"
    assert value_of(body, "ERRORINFO") == "User Authentication FAILED"
    query = {
        "action": "sendsms",
        "api_key": "good",
        "to": "15557770100",
        "from": "60856",
        "text": "x",
    }
    good = client.get(SKY, query_string=query)
    assert "<STATUS>Success</STATUS>" in good.get_data(as_text=True)


@pytest.mark.parametrize(
    ("reply", "status", "code"), [("E106", 200, "E106"), ("E113", 200, "E113"), ("429", 429, None)]
)
def test_rate_limit_per_api_key(reply: str, status: int, code: str | None) -> None:
    with make_platform(api_rate_limit=2.0, api_rate_limit_reply=reply) as platform:
        client = create_app(platform=platform).test_client()
        answers = [_send(client, "15557770100") for _ in range(3)]
        assert [a[0] for a in answers[:2]] == [200, 200]
        assert "Success" in answers[1][1]
        assert answers[2][0] == status
        if code:
            assert value_of(answers[2][1], "ERRORCODE") == code
        other = client.get(SKY, query_string={"action": "getmmsids", "api_key": "other"})
        assert value(other, "ERRORCODE") == "E200"  # another key has its own budget
        platform.advance(1.0)  # the virtual clock refills the bucket
        assert "Success" in _send(client, "15557770100")[1]


def test_body_over_the_limit_is_a_failure_reply(platform: MockPlatform) -> None:
    platform.configure(api_max_bytes=2048)
    client = create_app(platform=platform).test_client()
    big = "xml=" + "a" * 4096
    reply = client.post(SKY, data=big, content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 200
    assert value(reply, "ERRORCODE") == "E100"
    (call,) = platform.api.call_log()
    assert "over the 2048-byte limit" in call["detail"]


def test_backend_error_codes(client: FlaskClient, platform: MockPlatform) -> None:
    send = {"to": "16501234123", "from": "60856"}
    assert value(sky(client, "getMmsIds"), "ERRORCODE") == "E200"
    assert value(sky(client, "sendSavedMMS", mmsid="999", **send), "ERRORCODE") == "E241"
    assert value(sky(client, "sendMMSBarcode", mmsid="999", barcodeid="b", **send),
                 "ERRORCODE") == "E241"  # fmt: skip
    assert value(sky(client, "sendSavedMMSCampaign", mmsid="999", tocampaign="3"),
                 "ERRORCODE") == "E241"  # fmt: skip
    assert value(sky(client, "sendSavedMMS", mmsid="9" * 30, **send), "ERRORCODE") == "E625"
    assert value(sky(client, "removeMMSInboxMessage", mmsinboxid="MMS_MO_aaaaaaaa"),
                 "ERRORCODE") == "E641"  # fmt: skip


def test_wire_error_codes_through_the_route(client: FlaskClient) -> None:
    assert value(client.post(SKY, data=b""), "ERRORCODE") == "E100"
    assert value(client.get(SKY, query_string={"api_key": "k"}), "ERRORCODE") == "E101"
    assert value(client.post(SKY, data=b"<REQUEST><ACTION>sendSMS"), "ERRORCODE") == "E108"
    reply = sky(client, "sendSMS", to="12", **{"from": "60856"}, text="x")
    assert value(reply, "ERRORCODE") == "E110"
    assert value(sky(client, "saveMMS", SLIDES, subject="s"), "ERRORCODE") == "E311"


def test_an_unexpected_error_is_a_failure_reply_and_logged(
    client: FlaskClient, platform: MockPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(actions.ACTION_HANDLERS, "getMmsIds", broken)
    from mockserver.sends import service

    monkeypatch.setitem(service.ACTION_HANDLERS, "getMmsIds", broken)
    reply = sky(client, "getMmsIds")
    assert reply.status_code == 200
    assert value(reply, "ERRORCODE") == "E503"
    assert "boom" in platform.api.call_log()[0]["detail"]


def test_call_log_routes_and_event(client: FlaskClient, platform: MockPlatform) -> None:
    seen: list[dict[str, object]] = []
    platform.subscribe(seen.append)
    reply = sky(client, "sendSMS", to="15557770100", **{"from": "60856"}, text="Hi")
    sky(client, "getMmsIds")
    listing = client.get("/mock/api/v1/calls").get_json()["calls"]
    assert [(c["action"], c["outcome"], c["code"]) for c in listing] == [
        ("getMmsIds", "failure", "E200"), ("sendSMS", "success", None)]  # fmt: skip
    one = client.get(f"/mock/api/v1/calls/{listing[1]['id']}").get_json()
    assert one["reply"] == reply.get_data(as_text=True)
    assert "15557770100" in one["request"]["body"]
    run = client.get(f"/mock/api/v1/runs/{one['run_ids'][0]}").get_json()
    assert run["ids"]["TRACKINGID"] == one["tracking_id"]
    failed = client.get("/mock/api/v1/calls?outcome=failure").get_json()["calls"]
    assert [c["code"] for c in failed] == ["E200"]
    by_run = client.get(f"/mock/api/v1/calls?run_id={one['run_ids'][0]}").get_json()["calls"]
    assert [c["id"] for c in by_run] == [one["id"]]
    assert client.get("/mock/api/v1/calls/999").status_code == 404
    assert client.get("/mock/api/v1/calls?outcome=maybe").status_code == 400
    events = [e for e in seen if e["type"] == "api.call"]
    assert [(e["action"], e["outcome"]) for e in events] == [
        ("sendSMS", "success"), ("getMmsIds", "failure")]  # fmt: skip


def test_the_platform_api_needs_no_control_token(platform: MockPlatform) -> None:
    platform.configure()
    token_platform = make_platform(token="secret")
    try:
        client = create_app(platform=token_platform).test_client()
        reply = client.get(SKY, query_string={"action": "getmmsids", "api_key": "k"})
        assert "<STATUS>" in reply.get_data(as_text=True)
        assert client.get("/mock/api/v1/calls").status_code == 401
    finally:
        token_platform.close()


def test_saved_mms_survive_a_restart(tmp_path: object) -> None:
    folder = str(tmp_path)
    with make_platform(data_dir=folder) as first:
        client = create_app(platform=first).test_client()
        mmsid = saved_mmsid(client, first)
        video = "<SLIDE><VIDEO><URL>http://e.com/v.mp4</URL></VIDEO><TEXT>t</TEXT></SLIDE>"
        encoding = value(sky(client, "saveMMS", video, subject="s", name="n"), "MMSID")
    with make_platform(data_dir=folder) as second:
        client = create_app(platform=second).test_client()
        second.advance(5)  # a new virtual clock starts again at the same time
        assert value(sky(client, "getMmsIds"), "MMSIDS") == f"{mmsid},{encoding}"
        send = {"to": "16501234123", "from": "60856"}
        assert "Success" in sky(client, "sendSavedMMS", mmsid=mmsid, **send).get_data(as_text=True)
        assert value(sky(client, "sendSavedMMS", mmsid=encoding, **send), "ERRORCODE") == "E626"
        assert value(sky(client, "saveMMS", SLIDES, subject="s", name="n"), "MMSID") == str(
            int(encoding) + 1
        )  # the counter survives too
        assert len(second.api.call_log()) == 6
