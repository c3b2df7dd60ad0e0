"""The content URLs of MO postbacks resolve to placeholders of the right type."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver.platform import MockPlatform


@pytest.mark.parametrize(
    ("name", "kind"),
    [("abc.jpg", "image/gif"), ("abc.txt", "text/plain; charset=utf-8"),
     ("abc.smil", "application/smil+xml"), ("x1.mp3", "audio/mpeg")],
)  # fmt: skip
def test_placeholders(client: FlaskClient, name: str, kind: str) -> None:
    response = client.get(f"/mock/media/{name}")
    assert response.status_code == 200
    assert response.content_type == kind
    assert response.data
    assert client.get(f"/mock/media/{name}").data == response.data


def test_gif_is_a_real_picture(client: FlaskClient) -> None:
    assert client.get("/mock/media/a.jpg").data.startswith(b"GIF89a")


@pytest.mark.parametrize("name", ["a.exe", "../etc.txt", "a", "a" * 70 + ".jpg"])
def test_unknown_names_are_404(client: FlaskClient, name: str) -> None:
    assert client.get(f"/mock/media/{name}").status_code == 404


def test_scenario_media_urls_resolve(client: FlaskClient, platform: MockPlatform) -> None:
    run = client.post("/mock/api/v1/scenarios/mms-mo/runs", json={"seed": 1}).get_json()
    platform.run_until_idle()
    row = platform.postbacks(run_id=run["run_id"])[0]
    files = platform.postback(row["id"])["fields"]["CONTENT"]  # type: ignore[index]
    assert files
    for url in files:
        path = url.split("8055", 1)[1]
        assert client.get(path).status_code == 200


def test_media_needs_no_token(platform: MockPlatform) -> None:
    from mockserver.app import create_app

    platform.configure(token="t")
    assert create_app(platform=platform).test_client().get("/mock/media/a.txt").status_code == 200


def test_media_urls_use_the_public_url(platform: MockPlatform) -> None:
    platform.configure(public_url="http://mockserver:8055")
    run = platform.run_scenario("mms-mo", seed=1)
    platform.run_until_idle()
    row = platform.postbacks(run_id=run["run_id"])[0]
    files = platform.postback(row["id"])["fields"]["CONTENT"]  # type: ignore[index]
    assert all(url.startswith("http://mockserver:8055/mock/media/") for url in files)
