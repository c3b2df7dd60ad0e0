"""Health, clock, reset, settings and the JSON error contract."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver import __version__
from mockserver.platform import MockPlatform


def error_of(response) -> dict:  # type: ignore[no-untyped-def,type-arg]
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]  # type: ignore[no-any-return]


def test_health(client: FlaskClient) -> None:
    body = client.get("/mock/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["version"] == __version__


def test_clock_and_advance(client: FlaskClient, platform: MockPlatform) -> None:
    before = client.get("/mock/api/v1/clock").get_json()
    assert before["kind"] == "virtual"
    after = client.post("/mock/api/v1/clock/advance", json={"seconds": 90}).get_json()
    assert after["now"] == pytest.approx(before["now"] + 90)
    assert platform.now() == pytest.approx(after["now"])


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({}, 400, "missing_field", "seconds"),
        ({"seconds": "ten"}, 400, "invalid_field", "seconds"),
        ({"seconds": True}, 400, "invalid_field", "seconds"),
        ({"seconds": -1}, 400, "invalid_field", "seconds"),
        ({"seconds": 1, "minutes": 2}, 400, "unknown_field", "minutes"),
    ],
)
def test_advance_errors(
    client: FlaskClient, body: dict, status: int, code: str, field: str
) -> None:  # type: ignore[type-arg]
    response = client.post("/mock/api/v1/clock/advance", json=body)
    assert response.status_code == status
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)


def test_bad_json_is_a_400_that_says_so(client: FlaskClient) -> None:
    for raw, message in (
        (b"{nope", "not valid JSON"),
        (b"[1]", "JSON object"),
        (b"", "needs a JSON"),
    ):
        response = client.post(
            "/mock/api/v1/clock/advance", data=raw, content_type="application/json"
        )
        assert response.status_code == 400
        assert message in error_of(response)["message"]


def test_unknown_route_and_method_are_json(client: FlaskClient) -> None:
    missing = client.get("/mock/api/v1/nothing")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    wrong = client.delete("/mock/api/v1/health")
    assert wrong.status_code == 405
    assert error_of(wrong)["code"] == "method_not_allowed"


def test_body_size_limit(client: FlaskClient) -> None:
    big = b'{"text": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post("/mock/api/v1/mo/sms", data=big, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_entity_too_large"


def test_settings_get_and_patch(client: FlaskClient, platform: MockPlatform) -> None:
    body = client.get("/mock/api/v1/settings").get_json()
    assert body["settings"]["clock"] == "virtual"
    assert "flavor" in body["live"]
    patched = client.patch(
        "/mock/api/v1/settings", json={"flavor": "sinch-json", "mo_postback_url": None}
    )
    assert patched.status_code == 200
    assert platform.settings.flavor == "sinch-json"
    assert platform.settings.mo_postback_url is None


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"flavor": "yaml"}, "invalid_setting", "flavor"),
        ({"postback_url": "ftp://x"}, "invalid_setting", "postback_url"),
        ({"clock": "real"}, "unknown_field", "clock"),
        ({"retry_attempts": "5"}, "invalid_field", "retry_attempts"),
    ],
)
def test_settings_errors(client: FlaskClient, body: dict, code: str, field: str) -> None:  # type: ignore[type-arg]
    response = client.patch("/mock/api/v1/settings", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)


def test_token_is_never_shown(platform: MockPlatform) -> None:
    from mockserver.app import create_app

    platform.configure(token="s3cret")
    client = create_app(platform=platform).test_client()
    body = client.get("/mock/api/v1/settings", headers={"X-Mockserver-Token": "s3cret"}).get_json()
    assert body["settings"]["token"] == "***"


def test_reset_drops_the_log(client: FlaskClient) -> None:
    client.post("/mock/api/v1/mo/sms", json={"from": "16315551234", "to": "60856", "text": "hi"})
    assert client.get("/mock/api/v1/postbacks").get_json()["postbacks"]
    assert client.post("/mock/api/v1/reset").get_json() == {"status": "reset"}
    assert client.get("/mock/api/v1/postbacks").get_json()["postbacks"] == []


def test_status_page_escapes(client: FlaskClient, platform: MockPlatform) -> None:
    platform.configure(postback_url="http://127.0.0.1:1/<script>")
    page = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;" in page
    assert "<script>" not in page


def test_revision_is_a_live_setting(client: FlaskClient, platform: MockPlatform) -> None:
    assert client.get("/mock/api/v1/settings").get_json()["settings"]["revision"] == "sky-a"
    patched = client.patch("/mock/api/v1/settings", json={"revision": "sky-b"})
    assert patched.status_code == 200
    assert platform.settings.revision == "sky-b"
    bad = client.patch("/mock/api/v1/settings", json={"revision": "b"})
    assert bad.status_code == 400
    assert error_of(bad)["field"] == "revision"
    run = client.post("/mock/api/v1/scenarios/sms-mo/runs", json={"seed": 1}).get_json()
    assert run["revision"] == "sky-b"  # a run takes the server's revision by default
