"""Token enforcement on the control API and UI."""

from __future__ import annotations

import pytest

from mockserver.app import create_app
from mockserver.platform import MockPlatform


@pytest.fixture
def guarded(platform: MockPlatform):  # type: ignore[no-untyped-def]
    platform.configure(token="s3cret")
    return create_app(platform=platform).test_client()


def test_requests_without_the_token_are_refused(guarded) -> None:  # type: ignore[no-untyped-def]
    for path in ("/mock/api/v1/postbacks", "/mock/api/v1/settings"):
        response = guarded.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    page = guarded.get("/")  # a browser gets a page that asks for the token
    assert page.status_code == 401
    assert b"Token needed" in page.data
    assert (
        guarded.get("/mock/api/v1/postbacks", headers={"X-Mockserver-Token": "wrong"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    "headers", [{"X-Mockserver-Token": "s3cret"}, {"Authorization": "Bearer s3cret"}]
)
def test_header_forms(guarded, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert guarded.get("/mock/api/v1/postbacks", headers=headers).status_code == 200


def test_health_stays_open_for_healthchecks(guarded) -> None:  # type: ignore[no-untyped-def]
    assert guarded.get("/mock/api/v1/health").status_code == 200


def test_browser_login_sets_a_cookie(guarded) -> None:  # type: ignore[no-untyped-def]
    wrong = guarded.get("/?token=wrong")
    assert wrong.status_code == 401
    assert b"wrong token" in wrong.data
    login = guarded.get("/?token=s3cret")
    assert login.status_code == 303
    assert login.headers["Location"] == "/"
    assert "HttpOnly" in login.headers["Set-Cookie"]
    assert guarded.get("/").status_code == 200
    assert guarded.get("/mock/api/v1/postbacks").status_code == 200
