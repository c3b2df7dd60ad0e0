"""Scenarios and runs through the control API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver import wire
from mockserver.platform import MockPlatform
from tests.receiver import Receiver
from tests.web.test_control import error_of


def test_scenarios_are_listed_with_their_steps(client: FlaskClient) -> None:
    scenarios = {s["name"]: s for s in client.get("/mock/api/v1/scenarios").get_json()["scenarios"]}
    assert "mms-binary-expired" in scenarios
    expired = scenarios["mms-binary-expired"]
    assert expired["codes"] == ["N101", "N102"]  # as the seed documents (sky-a) write it
    assert expired["events"] == ["mms.sent", "mms.expired"]
    assert expired["revisions"] == ["sky-legacy", "sky-a", "sky-b"]
    assert expired["steps"]
    one = client.get("/mock/api/v1/scenarios/mms-binary-expired").get_json()
    assert one["name"] == "mms-binary-expired"
    assert error_of(client.get("/mock/api/v1/scenarios/nope"))["code"] == "not_found"


def test_run_plays_to_the_end(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    response = client.post("/mock/api/v1/scenarios/mms-binary-expired/runs", json={"seed": 3})
    assert response.status_code == 201
    run = response.get_json()
    assert [p["code"] for p in run["postbacks"]] == ["N101", "N102"]
    assert run["revision"] == "sky-a"
    platform.run_until_idle()
    parsed = [wire.parse(b) for b in receiver.bodies()]
    assert [p.code for p in parsed] == ["N101", "N102"]
    assert parsed[1].fields["STATUS"] == "Message Sent/Expired"
    assert {p.fields["TRACKINGID"] for p in parsed} == {run["ids"]["TRACKINGID"]}
    state = client.get(f"/mock/api/v1/runs/{run['run_id']}").get_json()
    assert [p["state"] for p in state["postbacks"]] == ["delivered", "delivered"]
    assert [r["run_id"] for r in client.get("/mock/api/v1/runs").get_json()["runs"]] == [
        run["run_id"]
    ]


def test_run_options(client: FlaskClient, platform: MockPlatform, receiver: Receiver) -> None:
    body = {
        "flavor": "sinch-json",
        "postback_url": receiver.url("/other"),
        "vars": {"to": "15550001111"},
    }
    run = client.post("/mock/api/v1/scenarios/mms-binary-expired/runs", json=body).get_json()
    platform.run_until_idle()
    parsed = [wire.parse(b) for b in receiver.bodies("/other")]
    assert [p.code for p in parsed] == ["N101", "N103"]
    assert {p.fields["TO"] for p in parsed} == {"15550001111"}
    assert run["flavor"] == "sinch-json"


def test_run_errors(client: FlaskClient) -> None:
    missing = client.post("/mock/api/v1/scenarios/nope/runs", json={})
    assert missing.status_code == 404
    assert "unknown scenario" in error_of(missing)["message"]
    bad = client.post("/mock/api/v1/scenarios/mms-binary-expired/runs", json={"seed": "x"})
    assert error_of(bad)["field"] == "seed"
    unknown_var = client.post(
        "/mock/api/v1/scenarios/mms-binary-expired/runs", json={"vars": {"nope": 1}}
    )
    assert unknown_var.status_code == 400
    assert error_of(client.get("/mock/api/v1/runs/nope"))["code"] == "not_found"


def test_run_with_a_revision_and_a_pinned_branch(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    body = {"seed": 3, "revision": "sky-b", "pin": ["expired"]}
    response = client.post("/mock/api/v1/scenarios/sms-not-delivered/runs", json=body)
    assert response.status_code == 201, response.get_json()
    run = response.get_json()
    assert (run["revision"], run["pins"], run["choices"]) == ("sky-b", ["expired"], ["expired"])
    platform.run_until_idle()
    parsed = [wire.parse(b) for b in receiver.bodies()]
    assert [(p.code, p.fields["STATUS"]) for p in parsed] == [
        ("N201", "Message Sent"),
        ("E202", "Message Sent/Expired"),
    ]
    assert all(b.startswith(b"<?xml version='1.0'?>\n<POSTBACK>") for b in receiver.bodies())


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"revision": "sky-c"}, None, "unknown revision 'sky-c'"),
        ({"pin": "rejected"}, "pin", "must be"),
        ({"pin": [3]}, "pin", "list of branch labels"),
        ({"pin": ["nope"]}, None, "no branch labelled 'nope'"),
    ],
)
def test_bad_revision_or_pin_is_a_400(
    client: FlaskClient, body: dict[str, object], field: str | None, text: str
) -> None:
    response = client.post("/mock/api/v1/scenarios/mixed-traffic/runs", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert text in error["message"]
    if field:
        assert error["field"] == field


def test_a_scenario_a_revision_cannot_write_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/mock/api/v1/scenarios/mms-device-discovery/runs", json={"revision": "sky-a"}
    )
    assert response.status_code == 400
    assert "cannot be written in revision sky-a" in error_of(response)["message"]
    assert client.get("/mock/api/v1/postbacks").get_json()["postbacks"] == []
