"""The browser UI end to end: ``mockserver serve`` in a subprocess, a live receiver, and
Chromium driven by Playwright. Each test saves screenshots (``--screenshots DIR``)."""

from __future__ import annotations

import base64
import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.live import LiveServer
from tests.receiver import Receiver
from tests.web.browser import LAPTOP, PHONE, browser, need_browser, screenshots

__all__ = ["browser", "screenshots"]  # fixtures
pytestmark = pytest.mark.slow
#: A 4x4 PNG, red: an MMS picture to upload.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGP8z8DAwMDAxMDAAAAjAgEBlyuq"
    "6QAAAABJRU5ErkJggg=="
)
SCRIPT = "<script>window.__pwned = 1</script><b>bold</b> & STOP"


@pytest.fixture(scope="module")
def module_receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(
    module_receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    need_browser()
    data = tmp_path_factory.mktemp("data")
    live = LiveServer(
        "--data-dir", str(data), "--postback-url", module_receiver.url(), "--seed", "7",
        "--time-scale", "0.001",
    )  # fmt: skip
    yield live
    live.stop()


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport=LAPTOP, base_url=server.url)
    found = context.new_page()
    found.set_default_timeout(20_000)  # a shared, busy machine
    yield found
    context.close()


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def live_now(page: Any) -> None:
    page.wait_for_selector("#live.on")


def test_launch_a_scenario_and_see_its_postbacks_arrive_live(
    page: Any, server: LiveServer, module_receiver: Receiver, screenshots: Path, browser: Any
) -> None:
    dashboard = browser.new_context(viewport=LAPTOP, base_url=server.url).new_page()
    dashboard.goto("/")
    live_now(dashboard)
    dashboard.evaluate("window.__notReloaded = true")
    send = "/API/wxml/1.3/index.php?action=sendsms&api_key=KEY&to=15551234888&from=60856&text=Hi"
    assert requests.get(server.url + send, timeout=10).status_code == 200
    dashboard.wait_for_selector("#calls >> text=sendSMS")  # the app's API call, live
    page.goto("/scenarios/sms-delivered")
    page.fill("#var-to", "15550001111")
    page.click("text=Run sms-delivered")
    page.wait_for_url("**/runs/*")
    assert page.locator("h1").inner_text().startswith("Run of sms-delivered")
    live_now(page)
    page.wait_for_selector("#attempts tr[data-state=ok] >> nth=1")  # both postbacks delivered
    assert page.locator("svg circle.hit.ok").count() == 2
    # the dashboard, never reloaded, shows the run's postbacks as they were delivered
    dashboard.wait_for_selector("#feed tr[data-state=delivered] >> text=N202")
    assert dashboard.evaluate("window.__notReloaded") is True
    assert dashboard.locator("[data-state-count=delivered]").inner_text() != "0"
    shot(page, screenshots, "timeline")
    shot(dashboard, screenshots, "dashboard")
    page.goto("/scenarios/sms-delivered")
    shot(page, screenshots, "scenarios")
    dashboard.context.close()


def test_a_live_update_reaches_the_page_within_200_ms(
    page: Any, server: LiveServer, screenshots: Path
) -> None:
    """From just before the MO is injected to the moment the page shows its row."""
    page.goto("/log")
    live_now(page)
    delays = []
    for i in range(15):
        text = f"latency probe {i}"
        sent = time.time() * 1000
        answer = server.api(
            "POST", "/mo/sms", json={"from": "1555000", "to": "60856", "text": text}
        )
        assert answer.status_code == 201
        page.wait_for_selector(f"#log tr >> text={text}")
        delays.append(float(page.evaluate("document.documentElement.dataset.liveUpdated")) - sent)
    figures = {"median_ms": statistics.median(delays), "max_ms": max(delays), "n": len(delays)}
    (screenshots / "live-latency.json").write_text(json.dumps(figures))
    print("live update latency:", figures)
    assert figures["median_ms"] < 200, figures
    assert figures["max_ms"] < 1000, figures


def test_mms_mo_from_the_phone_approved_in_moderation_delivers_n401(
    page: Any, server: LiveServer, module_receiver: Receiver, screenshots: Path
) -> None:
    assert server.api("PATCH", "/settings", json={"moderation": True}).status_code == 200
    try:
        page.goto("/phone?number=16315550000")
        page.click("#tab-mms")
        page.fill("#mms-subject", "Holiday picture")
        page.fill("#mms-keyword", "PHOTO")
        page.set_input_files(
            "#mms-files", files=[{"name": "beach.png", "mimeType": "image/png", "buffer": PNG}]
        )
        page.click("text=Send MMS")
        page.wait_for_selector(".banner.ok >> text=moderation queue")
        shot(page, screenshots, "phone-mms")
        page.goto("/moderation")
        card = page.locator("article.mod", has_text="16315550000")
        image = card.locator("img").first
        assert "/mock/media/uploads/" in (image.get_attribute("src") or "")
        assert image.evaluate("img => img.naturalWidth") == 4  # the uploaded picture, served
        shot(page, screenshots, "moderation")
        before = len(module_receiver.requests)
        card.locator("button", has_text="Approve").click()
        page.wait_for_selector(".banner.ok >> text=Approved")
        page.goto("/log?code=N401")
        page.wait_for_selector("#log tr[data-state=delivered] >> text=Holiday picture")
        module_receiver.wait_count(before + 1)
        assert b"N401" in module_receiver.requests[-1].body
        # the picture URL in the postback serves the uploaded bytes
        page.goto("/phone?number=16315550000")
        page.wait_for_selector(".bubble.mine img")
        shot(page, screenshots, "phone")
    finally:
        server.api("PATCH", "/settings", json={"moderation": False})


def test_replay_a_failed_delivery(
    page: Any, server: LiveServer, module_receiver: Receiver, screenshots: Path
) -> None:
    module_receiver.plan("/down", 503)
    server.api("PATCH", "/settings", json={"retry_attempts": 0})
    try:
        url = module_receiver.url("/down")
        body = {"from": "1555999", "to": "60856", "text": "will fail once", "postback_url": url}
        postback_id = server.api("POST", "/mo/sms", json=body).json()["postback_id"]
        page.goto("/log?state=failed")
        row = page.locator(f"#pb-{postback_id}")
        row.wait_for()
        module_receiver.plan("/down", 200)  # the receiver is back
        row.locator("input[type=checkbox]").check()
        page.click("text=Replay selected")
        page.wait_for_selector(".banner.ok >> text=Replayed 1")
        page.goto("/log?q=will+fail+once")
        page.wait_for_selector("#log tr[data-state=delivered] >> text=replay")
        shot(page, screenshots, "log")
        page.click(f"#pb-{postback_id} >> text=#{postback_id}")
        page.wait_for_selector("#attempt-1 >> text=HTTP 503")
        shot(page, screenshots, "postback")
    finally:
        server.api("PATCH", "/settings", json={"retry_attempts": 5})


def test_message_text_is_shown_as_text(page: Any, server: LiveServer, screenshots: Path) -> None:
    page.goto("/phone?number=15557770000")
    page.fill("#sms-text", SCRIPT)
    page.click("text=Send SMS")
    bubble = page.locator(".bubble.mine", has_text="window.__pwned")
    bubble.wait_for()
    assert SCRIPT in bubble.inner_text()
    assert bubble.locator("b, script").count() == 0
    page.goto("/")
    page.wait_for_selector("#feed >> text=window.__pwned")
    page.goto("/log?q=__pwned")
    page.click("#log td.num a")
    assert "<script>window.__pwned = 1</script>" in page.locator("#fields").inner_text()
    assert page.evaluate("window.__pwned") is None


def test_every_page_at_phone_width(browser: Any, server: LiveServer, screenshots: Path) -> None:
    context = browser.new_context(viewport=PHONE, base_url=server.url, is_mobile=True)
    phone = context.new_page()
    pages = (("/", "dashboard"), ("/scenarios/mms-binary-expired", "scenarios"),
             ("/phone", "phone"), ("/log", "log"), ("/settings", "settings"))  # fmt: skip
    for path, name in pages:
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways at phone width ({width} px)"
        shot(phone, screenshots, f"mobile-{name}")
    context.close()


def test_keyboard_reaches_the_navigation_and_forms(page: Any) -> None:
    page.goto("/settings")
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
    assert {"Scenarios", "Delivery log", "s-postback_url", "s-flavor"} <= reached


def test_require_api_keys_from_the_settings_page(
    page: Any, server: LiveServer, screenshots: Path
) -> None:
    send = f"{server.url}/API/wxml/1.3/index.php?action=sendsms&to=15551230099&from=60856&text=hi"
    page.goto("/settings")
    page.click("text=Magic numbers: send to any number ending in")
    assert page.locator("#magic-numbers").is_visible()
    page.fill("#s-api_keys", "team-key")
    try:
        page.click("text=Save API settings")
        page.wait_for_selector(".banner.ok >> text=Platform API settings saved")
        assert "1 set, not shown" in page.locator("#api-form").inner_text()
        shot(page, screenshots, "settings-api")
        refused = requests.get(send + "&api_key=other", timeout=10).text
        assert "<ERRORCODE>E104</ERRORCODE>" in refused
        assert (
            "<STATUS>Success</STATUS>" in requests.get(send + "&api_key=team-key", timeout=10).text
        )
        page.check("input[name=api_any_key]")
        page.click("text=Save API settings")
        page.wait_for_selector("text=any key accepted")
    finally:
        server.api("PATCH", "/settings", json={"api_keys": []})
    assert "<STATUS>Success</STATUS>" in requests.get(send + "&api_key=other", timeout=10).text


@pytest.fixture
def virtual(tmp_path: Path, receiver: Receiver) -> Iterator[LiveServer]:
    need_browser()
    live = LiveServer("--clock", "virtual", "--data-dir", str(tmp_path), "--seed", "7",
                      "--postback-url", receiver.url())  # fmt: skip
    yield live
    live.stop()


def test_advance_the_virtual_clock(
    browser: Any, virtual: LiveServer, receiver: Receiver, screenshots: Path
) -> None:
    context = browser.new_context(viewport=LAPTOP, base_url=virtual.url)
    page = context.new_page()
    run = virtual.api("POST", "/scenarios/sms-delivered/runs", json={}).json()
    page.goto("/settings")
    before = page.locator("#clock-now").inner_text()
    page.click("text=+1 min")
    page.wait_for_selector(".banner.ok >> text=Clock moved on")
    after = page.locator("#clock-now").inner_text()
    assert before != after
    assert after.endswith(before[-2:])  # whole minutes later: the seconds are the same
    page.click("text=Run to end")
    page.wait_for_selector(".banner.ok >> text=Clock moved on")
    shot(page, screenshots, "settings")
    page.goto(f"/runs/{run['run_id']}")
    assert page.locator("#attempts tr[data-state=ok]").count() == 2
    assert len(receiver.requests) == 2
    context.close()
