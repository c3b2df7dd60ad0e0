"""mock_platform: context manager, decorator, fixture; pass-through; app errors; handlers."""

from __future__ import annotations

import pytest
import requests
import responses
from flask import Flask, request

from mockserver.testing import AppError, Delivery, current, mock_platform
from tests.receiver import Receiver
from tests.testing.conftest import Runner

SKYCORE = "https://secure.skycore.com/API/wxml/1.3/index.php"
SINCH_JSON = "https://api.ci.mblox.com/ep/v2/"


def send_sms(to: str, url: str = SKYCORE) -> requests.Response:
    params = {"action": "sendSMS", "api_key": "k", "to": to, "from": "60856", "text": "hi"}
    return requests.get(url, params=params, timeout=5)


def recording_app() -> tuple[Flask, list[bytes]]:
    app = Flask("t")
    got: list[bytes] = []

    @app.post("/hooks/sms")
    def hook() -> str:
        got.append(request.get_data())
        return "OK"

    return app, got


def test_context_manager_answers_the_api_and_delivers_to_the_app() -> None:
    app, got = recording_app()
    with mock_platform(app, postback_url="http://shop.test/hooks/sms", seed=5) as sim:
        reply = send_sms("15551230000")
        assert "<STATUS>Success</STATUS>" in reply.text
        assert got == []  # nothing moves until the clock does
        sim.clock.run_until_idle()
        assert len(got) == 2
        sim.receiver.assert_codes(["N201", "N202"])
        assert all(r.url == "http://shop.test/hooks/sms" for r in sim.receiver.postbacks)
    with pytest.raises(requests.ConnectionError):  # mocks are gone: the real host is not ours
        requests.get("http://mockserver.test/mock/api/v1/health", timeout=0.5)


def test_both_dialects_and_the_control_api() -> None:
    with mock_platform() as sim:
        reply = requests.post(SINCH_JSON, json={"action": "send-sms"}, headers={"x-api-key": "k"})
        assert reply.json()["status"] == "Failure"  # the backend's own validation
        assert requests.get(f"{sim.api_url}/health", timeout=5).json()["status"] == "ok"
        started = requests.post(f"{sim.api_url}/scenarios/sms-delivered/runs", json={}, timeout=5)
        assert started.status_code == 201
        sim.clock.run_until_idle()
        sim.receiver.assert_codes(["N201", "N202"])  # to the receiver: no app given


def test_decorator_and_current() -> None:
    @mock_platform(seed=1)
    def body() -> list[str]:
        sim = current()
        send_sms("15551230000")
        sim.clock.run_until_idle()
        return sim.receiver.codes()

    assert body() == ["N201", "N202"]
    assert body() == ["N201", "N202"]  # a fresh platform each call
    with pytest.raises(RuntimeError, match="no mock_platform is active"):
        current()


def test_unrelated_urls_pass_through(receiver: Receiver) -> None:
    with mock_platform():
        reply = requests.post(receiver.url("/elsewhere"), data=b"x", timeout=5)
    assert reply.status_code == 200
    assert receiver.bodies("/elsewhere") == [b"x"]


def test_pass_through_reaches_a_responses_mock_started_before() -> None:
    with responses.RequestsMock() as outer:
        outer.add(responses.GET, "https://weather.example/today", body="sunny")
        with mock_platform():
            assert requests.get("https://weather.example/today", timeout=5).text == "sunny"
            assert "Success" in send_sms("15551230000").text


def test_passthrough_off_refuses_other_urls(receiver: Receiver) -> None:
    refused = pytest.raises(requests.ConnectionError, match="doesn't match any registered mock")
    with mock_platform(passthrough=False), refused:
        requests.get(receiver.url("/x"), timeout=5)
    assert receiver.requests == []


def test_more_api_urls() -> None:
    with mock_platform(api_urls=["https://sms-gateway.internal"]) as sim:
        reply = send_sms("15551230000", "https://sms-gateway.internal/API/wxml/1.3/index.php")
        assert "Success" in reply.text
        assert sim.postbacks()  # the run started


def test_faults_take_no_time() -> None:
    with mock_platform():
        with pytest.raises(requests.exceptions.ReadTimeout, match="held it 35 s"):
            send_sms("15551230408")
        with pytest.raises(requests.ConnectionError, match="dropped the connection"):
            send_sms("15551230444")
        assert send_sms("15551230503").status_code == 503


def test_a_handler_callable_and_its_answers() -> None:
    seen: list[Delivery] = []

    def handler(delivery: Delivery) -> int:
        seen.append(delivery)
        return 500 if len(seen) == 1 else 200

    with mock_platform(handler=handler) as sim:
        sim.send_sms_mo("hello")
        sim.clock.advance("5m")
    assert [d.postback.code if d.postback else None for d in seen] == ["N211", "N211"]
    assert seen[0].path == "/postbacks"
    assert [r.status for r in sim.receiver.postbacks] == [500, 200]


def test_an_exception_in_the_app_fails_the_test_with_its_cause() -> None:
    app = Flask("boom")

    @app.post("/postbacks")
    def boom() -> str:
        raise KeyError("TRACKINGID")

    with mock_platform(app) as sim:
        with pytest.raises(AppError, match="KeyError: 'TRACKINGID'") as info:
            sim.send_sms_mo("x")
        assert isinstance(info.value.__cause__, KeyError)
    with mock_platform(app, raise_app_errors=False) as sim:
        sim.send_sms_mo("x")
        assert sim.receiver.postbacks[0].status == 500


def test_postbacks_to_a_url_no_app_claims_are_refused() -> None:
    with mock_platform(seed=2) as sim:
        sim.configure(retry_attempts=0)
        sim.scenario("sms-delivered", to="http://nowhere.test/x")
        [first, _] = sim.receiver.postbacks
        assert first.status is None
        assert "no in-process app" in (first.error or "")


def test_the_fixture_with_an_app_and_options(runner: Runner) -> None:
    runner.makepyfile(
        """
        import pytest, requests
        from flask import Flask, request

        got = []
        app = Flask("mine")

        @app.post("/in")
        def hook():
            got.append(request.get_data())
            return "OK"

        @pytest.fixture
        def mockserver_app():
            return app

        @pytest.fixture
        def mockserver_inprocess_options():
            return {"postback_url": "http://mine.test/in"}

        @pytest.mark.mockserver(flavor="sinch-json")
        def test_one(mockserver_inprocess, mockserver_receiver, mockserver_clock):
            assert mockserver_receiver is mockserver_inprocess.receiver
            requests.get("https://secure.skycore.com/API/wxml/1.3/index.php", params={
                "action": "sendsms", "api_key": "k", "to": "15551230000", "from": "60856",
                "text": "x"})
            mockserver_clock.run_until_idle()
            assert len(got) == 2 and got[0].startswith(b"{")

        def test_two_is_isolated(mockserver_inprocess, mockserver_scenario):
            assert mockserver_inprocess.postbacks() == []
            mockserver_scenario("sms-mo")
            assert mockserver_inprocess.receiver.codes() == ["N211"]
        """
    )
    runner.run("-q").assert_outcomes(passed=2)
