"""MO injection and the moderation queue through the control API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver import wire
from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.receiver import Receiver
from tests.web.test_control import error_of

SMS = {"from": "16315551234", "to": "60856", "text": "STOP <now> & é"}
MEDIA = "http://127.0.0.1:8055/mock/media/"
MMS = {"from": "16315551234", "to": "74700", "keyword": "all", "subject": "Hi",
       "files": [MEDIA + "1.jpg", MEDIA + "2.txt"]}  # fmt: skip


def test_sms_mo_is_delivered_as_n211(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    response = client.post("/mock/api/v1/mo/sms", json=SMS)
    assert response.status_code == 201
    platform.run_until_idle()
    (body,) = receiver.bodies()
    postback = wire.parse(body)
    assert (postback.origin, postback.code) == ("SMS_MO", "N211")
    assert postback.fields["TEXT"] == SMS["text"]
    assert "TRANSACTIONID" not in postback.fields  # sky-a, the seed documents: seed 000
    assert body.startswith(b"<?xml version='1.0'?>\n<POSTBACK xmlns:xsi=")


def test_sms_mo_carries_transactionid_from_sky_b(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    platform.configure(revision="sky-b")
    response = client.post("/mock/api/v1/mo/sms", json=SMS)
    platform.run_until_idle()
    (body,) = receiver.bodies()
    postback = wire.parse(body)
    assert body.startswith(b"<POSTBACK>")  # seed 001
    assert wire.ids.TRANSACTION_ID.match(str(postback.fields["TRANSACTIONID"]))
    assert response.get_json()["fields"]["TRANSACTIONID"] == postback.fields["TRANSACTIONID"]


def test_seeded_transaction_ids_repeat(client: FlaskClient) -> None:
    """The fixture's seed 7: the same ids as ever, MMS MO ids drawn in between included."""
    sms = [client.post("/mock/api/v1/mo/sms", json=SMS) for _ in range(2)]
    client.post("/mock/api/v1/mo/mms", json=MMS)
    sms.append(client.post("/mock/api/v1/mo/sms", json=SMS))
    assert [r.get_json()["fields"]["TRANSACTIONID"] for r in sms] == [
        "K9P34-Y6N3W-D25RQ-4F5ZR",
        "37E3P-3E2Z8-IQ9Y7-JZB6C",
        "VYRKT-TNJFB-F5JXV-LSI47",
    ]


def test_unseeded_transaction_ids(receiver: Receiver) -> None:
    settings = Settings(clock="virtual", data_dir=":memory:", postback_url=receiver.url())
    with MockPlatform(settings) as platform:
        client = create_app(platform=platform).test_client()
        found = {
            client.post("/mock/api/v1/mo/sms", json=SMS).get_json()["fields"]["TRANSACTIONID"]
            for _ in range(20)
        }
    assert len(found) == 20
    assert all(wire.ids.TRANSACTION_ID.match(value) for value in found)


def test_mo_goes_to_the_mo_url_when_set(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    platform.configure(mo_postback_url=receiver.url("/mo"))
    client.post("/mock/api/v1/mo/sms", json=SMS)
    platform.run_until_idle()
    assert len(receiver.bodies("/mo")) == 1


def test_mms_mo_without_moderation(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    response = client.post("/mock/api/v1/mo/mms", json=MMS)
    assert response.status_code == 201
    platform.run_until_idle()
    postback = wire.parse(receiver.bodies()[0])
    assert postback.code == "N401"
    assert postback.fields["CONTENT"] == MMS["files"]
    assert wire.ids.MMS_MO_ID.match(str(postback.fields["TRACKINGID"]))


def test_moderation_holds_then_approve_sends(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    platform.configure(moderation=True)
    held = client.post("/mock/api/v1/mo/mms", json=MMS)
    assert held.status_code == 202
    item_id = held.get_json()["moderation_id"]
    platform.run_until_idle()
    assert receiver.bodies() == []
    queue = client.get("/mock/api/v1/moderation").get_json()["items"]
    assert [(i["id"], i["state"], i["keyword"]) for i in queue] == [(item_id, "pending", "all")]
    approved = client.post(f"/mock/api/v1/moderation/{item_id}/approve")
    assert approved.status_code == 200
    platform.run_until_idle()
    assert wire.parse(receiver.bodies()[0]).fields["TRACKINGID"] == held.get_json()["tracking_id"]
    assert client.get("/mock/api/v1/moderation").get_json()["items"] == []
    again = client.post(f"/mock/api/v1/moderation/{item_id}/approve")
    assert again.status_code == 409
    assert error_of(again)["code"] == "conflict"


def test_reject_sends_nothing(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    item_id = client.post("/mock/api/v1/mo/mms", json={**MMS, "moderation": True}).get_json()[
        "moderation_id"
    ]
    assert client.post(f"/mock/api/v1/moderation/{item_id}/reject").status_code == 200
    platform.run_until_idle()
    assert receiver.bodies() == []
    rejected = client.get("/mock/api/v1/moderation?state=rejected").get_json()["items"]
    assert [i["id"] for i in rejected] == [item_id]
    assert client.get(f"/mock/api/v1/moderation/{item_id}").get_json()["state"] == "rejected"


def test_moderation_survives_a_restart(tmp_path, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        clock="virtual", data_dir=str(tmp_path), postback_url=receiver.url(), moderation=True
    )
    with MockPlatform(settings) as first:
        item_id = (
            create_app(platform=first)
            .test_client()
            .post("/mock/api/v1/mo/mms", json=MMS)
            .get_json()["moderation_id"]
        )
    with MockPlatform(settings) as second:
        client = create_app(platform=second).test_client()
        assert [i["id"] for i in client.get("/mock/api/v1/moderation").get_json()["items"]] == [
            item_id
        ]
        client.post(f"/mock/api/v1/moderation/{item_id}/approve")
        second.run_until_idle()
    assert len(receiver.bodies()) == 1


@pytest.mark.parametrize(
    ("path", "body", "code", "field"),
    [
        ("/mo/sms", {"from": "1", "to": "2"}, "missing_field", "text"),
        ("/mo/sms", {"from": "", "to": "2", "text": "x"}, "invalid_field", "from"),
        ("/mo/sms", {"from": "1", "to": "2", "text": 3}, "invalid_field", "text"),
        (
            "/mo/sms",
            {"from": "1", "to": "2", "text": "x", "flavor": "x"},
            "unknown_field",
            "flavor",
        ),
        ("/mo/mms", {"from": "1", "to": "2", "files": []}, "invalid_field", "files"),
        (
            "/mo/mms",
            {"from": "1", "to": "2", "files": ["file:///etc/passwd"]},
            "invalid_field",
            "files",
        ),
        ("/mo/mms", {"from": "1", "to": "2", "files": "http://x/a.jpg"}, "invalid_field", "files"),
    ],
)
def test_mo_errors(client: FlaskClient, path: str, body: dict, code: str, field: str) -> None:  # type: ignore[type-arg]
    response = client.post("/mock/api/v1" + path, json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)


def test_unknown_moderation_item(client: FlaskClient) -> None:
    for verb in ("approve", "reject"):
        response = client.post(f"/mock/api/v1/moderation/999/{verb}")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert client.get("/mock/api/v1/moderation?state=maybe").status_code == 400
