"""The delivery log, per-attempt detail and replay."""

from __future__ import annotations

from flask.testing import FlaskClient

from mockserver.platform import MockPlatform
from tests.receiver import Receiver
from tests.web.test_control import error_of

SMS = {"from": "16315551234", "to": "60856", "text": "hello"}


def inject(client: FlaskClient, n: int = 1) -> list[int]:
    return [
        client.post("/mock/api/v1/mo/sms", json=SMS).get_json()["postback_id"] for _ in range(n)
    ]


def test_log_filters_and_detail(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    receiver.plan("/postback", 500, 200)
    (first,) = inject(client)
    platform.run_until_idle()
    rows = client.get("/mock/api/v1/postbacks?code=N211&state=delivered").get_json()["postbacks"]
    assert [r["id"] for r in rows] == [first]
    assert client.get("/mock/api/v1/postbacks?state=failed").get_json()["postbacks"] == []
    detail = client.get(f"/mock/api/v1/postbacks/{first}").get_json()
    assert detail["body"].startswith("<?xml version='1.0'?>")
    statuses = [a["status"] for a in detail["attempts"]]
    assert statuses == [500, 200]
    assert detail["attempts"][0]["ok"] is False
    assert {"started", "url", "request_headers", "latency", "response_body", "error"} <= set(
        detail["attempts"][0]
    )


def test_log_errors(client: FlaskClient) -> None:
    assert error_of(client.get("/mock/api/v1/postbacks/42"))["code"] == "not_found"
    assert error_of(client.get("/mock/api/v1/postbacks?colour=red"))["field"] == "colour"
    assert error_of(client.get("/mock/api/v1/postbacks?state=lost"))["field"] == "state"
    assert error_of(client.get("/mock/api/v1/postbacks?limit=0"))["field"] == "limit"
    assert error_of(client.get("/mock/api/v1/postbacks?since=yesterday"))["field"] == "since"


def test_replay_one(client: FlaskClient, platform: MockPlatform, receiver: Receiver) -> None:
    (first,) = inject(client)
    platform.run_until_idle()
    response = client.post(f"/mock/api/v1/postbacks/{first}/replay")
    assert response.status_code == 201
    new_id = response.get_json()["postback_id"]
    platform.run_until_idle()
    bodies = receiver.bodies()
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    assert client.get(f"/mock/api/v1/postbacks/{new_id}").get_json()["replay_of"] == first
    assert client.post("/mock/api/v1/postbacks/999/replay").status_code == 404


def test_replay_many_by_filter(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    inject(client, 3)
    platform.run_until_idle()
    response = client.post("/mock/api/v1/postbacks/replay", json={"code": "N211", "limit": 2})
    assert response.status_code == 201
    assert len(response.get_json()["postback_ids"]) == 2
    platform.run_until_idle()
    assert len(receiver.bodies()) == 5
    assert (
        error_of(client.post("/mock/api/v1/postbacks/replay", json={}))["code"] == "missing_field"
    )
