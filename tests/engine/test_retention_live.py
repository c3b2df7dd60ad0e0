"""Retention changed while the server runs: ``PATCH /settings`` reaches the process that
prunes (the delivery process, with ``serve``), and bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, body, sms
from tests.live import wait_until


@pytest.mark.slow
def test_patched_retention_prunes_in_the_delivery_process(
    receiver: Receiver, tmp_path: Path
) -> None:
    settings = Settings(data_dir=str(tmp_path), postback_url=receiver.url())
    with MockPlatform(settings, delivery="process") as platform:
        client = create_app(platform=platform).test_client()
        for n in range(6):
            platform.schedule(sms(f"T{n}"), body=body(str(n)))
        platform.run_until_idle(timeout=30)
        assert len(platform.postbacks()) == 6
        patched = client.patch("/mock/api/v1/settings", json={"keep_postbacks": 2, "keep_days": 0})
        assert patched.status_code == 200, patched.get_json()
        assert patched.get_json()["settings"]["keep_postbacks"] == 2
        assert {"keep_postbacks", "keep_days"} <= set(patched.get_json()["live"])
        wait_until(lambda: len(platform.postbacks()) == 2, what="pruning to the newest 2")
        assert [r["tracking_id"] for r in platform.postbacks()] == ["T5", "T4"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"keep_postbacks": -1}, "invalid_setting"),
        ({"keep_postbacks": 1.5}, "invalid_field"),
        ({"keep_postbacks": True}, "invalid_field"),
        ({"keep_days": -2}, "invalid_setting"),
        ({"keep_days": "7"}, "invalid_field"),
        ({"keep_calls": -1}, "invalid_setting"),
        ({"keep_runs": 2.5}, "invalid_field"),
    ],
)
def test_bad_retention_is_refused(body: dict[str, object], code: str) -> None:
    with MockPlatform(Settings(clock="virtual", data_dir=":memory:")) as platform:
        client = create_app(platform=platform).test_client()
        response = client.patch("/mock/api/v1/settings", json=body)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == (code, next(iter(body)))
        assert platform.settings.keep_postbacks == 100_000
