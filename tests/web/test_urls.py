"""A run, replay or MO whose postback URL is not an absolute http(s) URL: a 400 naming the field,
before anything is scheduled; the Python API refuses it with a ValueError too."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.config import UrlError, is_http_url
from mockserver.platform import MockPlatform
from mockserver.wire.model import Postback

BAD_URLS = ["/postbacks", "127.0.0.1:5000/postbacks", "ftp://127.0.0.1/x", "http://", "",
            "http://127.0.0.1:99999/x", "http://[::1/x", "javascript:alert(1)"]  # fmt: skip
SMS = {"from": "16315551234", "to": "60856", "text": "hi"}
MMS = {"from": "16315551234", "to": "60856", "files": ["http://127.0.0.1:9/a.jpg"]}


def _refused(response: Any, field: str, url: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_field", field)
    assert repr(url) in error["message"]
    assert "absolute http(s) URL" in error["message"]


def _first_postback(client: FlaskClient) -> int:
    created = client.post("/mock/api/v1/mo/sms", json=SMS)
    assert created.status_code == 201
    postback_id: int = created.get_json()["postback_id"]
    return postback_id


@pytest.mark.parametrize("url", BAD_URLS)
def test_runs_refuse_a_bad_postback_url(
    client: FlaskClient, platform: MockPlatform, url: str
) -> None:
    response = client.post("/mock/api/v1/scenarios/sms-delivered/runs", json={"postback_url": url})
    _refused(response, "postback_url", url)
    assert platform.runs() == []
    assert platform.postbacks() == []


@pytest.mark.parametrize("url", BAD_URLS)
def test_replays_refuse_a_bad_url(client: FlaskClient, platform: MockPlatform, url: str) -> None:
    first = _first_postback(client)
    _refused(client.post(f"/mock/api/v1/postbacks/{first}/replay", json={"url": url}), "url", url)
    many = client.post("/mock/api/v1/postbacks/replay", json={"code": "N211", "url": url})
    _refused(many, "url", url)
    assert [row["id"] for row in platform.postbacks()] == [first]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize(("path", "body"), [("sms", SMS), ("mms", MMS), ("mms-held", MMS)])
def test_mo_injection_refuses_a_bad_postback_url(
    client: FlaskClient, platform: MockPlatform, url: str, path: str, body: dict[str, Any]
) -> None:
    extra = {"moderation": True} if path == "mms-held" else {}
    route = f"/mock/api/v1/mo/{path.split('-')[0]}"
    _refused(client.post(route, json={**body, **extra, "postback_url": url}), "postback_url", url)
    assert platform.postbacks() == []
    assert platform.inbox.items(None) == []


def test_good_urls_still_work(client: FlaskClient, platform: MockPlatform) -> None:
    url = "https://localhost:8443/hooks?x=1"
    assert client.post("/mock/api/v1/mo/sms", json={**SMS, "postback_url": url}).status_code == 201
    first = platform.postbacks()[0]["id"]
    replay = client.post(f"/mock/api/v1/postbacks/{first}/replay", json={"url": url})
    assert replay.status_code == 201
    run = client.post("/mock/api/v1/scenarios/sms-delivered/runs", json={"postback_url": url})
    assert run.status_code == 201
    assert {row["url"] for row in platform.postbacks()} == {url}


def test_the_python_api_refuses_bad_urls_with_value_errors(platform: MockPlatform) -> None:
    with pytest.raises(ValueError, match="postback_url '/x' is not an absolute") as caught:
        platform.run_scenario("sms-delivered", postback_url="/x")
    assert isinstance(caught.value, UrlError)
    assert caught.value.field == "postback_url"
    postback = Postback("SMS_MO", "N211", {"FROM": "1", "TO": "2", "TEXT": "x"})
    with pytest.raises(UrlError, match="url 'ftp://x'"):
        platform.schedule(postback, url="ftp://x")
    good = platform.schedule(postback)
    with pytest.raises(UrlError, match="url 'x'"):
        platform.replay(good, url="x")
    with pytest.raises(UrlError, match="postback_url"):
        platform.inbox.sms_mo("1", "2", "x", url="mailto:a@b")
    assert [row["id"] for row in platform.postbacks()] == [good]


def test_is_http_url() -> None:
    assert is_http_url("http://127.0.0.1:5000/p")
    assert is_http_url("HTTPS://example.com")
    assert not any(is_http_url(url) for url in BAD_URLS)
    assert not is_http_url(None)
    assert not is_http_url(5)
