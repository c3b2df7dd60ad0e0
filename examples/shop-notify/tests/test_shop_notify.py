"""shop-notify against mockserver, every test in both modes (in-process and live)."""

from __future__ import annotations

import sqlite3

from shop_harness import Shop


def test_sms_delivered(shop: Shop) -> None:
    tracking_id = shop.notify("15551230000")
    shop.sim.clock.run_until_idle()
    assert shop.message(tracking_id) == {
        "tracking_id": tracking_id,
        "status": "delivered",
        "fallback_sms": False,
        "postbacks": ["N201", "N202"],
    }
    shop.sim.receiver.assert_codes(["N201", "N202"], tracking_id=tracking_id)


def test_mms_expired(shop: Shop) -> None:
    tracking_id = shop.notify("15551230002", "mms", image="https://shop.example/box.jpg")
    shop.sim.clock.advance("10s")
    assert shop.message(tracking_id)["status"] == "sent"
    shop.sim.receiver.wait_for("N102", tracking_id=tracking_id)  # up to 2 h of platform time
    assert shop.message(tracking_id)["status"] == "expired"


def test_mms_rejected(shop: Shop) -> None:
    tracking_id = shop.notify("15551230001", "mms")
    shop.sim.clock.run_until_idle()
    assert shop.message(tracking_id)["status"] == "rejected"


def test_mms_degraded_to_an_xhtml_link(shop: Shop) -> None:
    tracking_id = shop.notify("15551230003", "mms", image="https://shop.example/box.jpg")
    shop.sim.clock.run_until_idle()
    found = shop.message(tracking_id)
    assert found["fallback_sms"] is True
    assert found["status"] == "delivered"


def test_platform_retries_after_the_apps_own_503(shop: Shop) -> None:
    shop.app.config["MAINTENANCE"] = True
    tracking_id = shop.notify("15551230000")
    shop.sim.clock.advance("1m")  # N201 and N202 come and are refused
    assert shop.message(tracking_id)["status"] == "accepted"
    shop.app.config["MAINTENANCE"] = False
    shop.sim.clock.advance("5m")  # the platform's retry, 300 s later
    assert shop.message(tracking_id)["status"] == "delivered"
    statuses = [r.status for r in shop.sim.receiver.received(tracking_id=tracking_id)]
    assert statuses == [503, 503, 200, 200]


def test_a_duplicate_postback_is_stored_once(shop: Shop) -> None:
    tracking_id = shop.notify("15551230000")
    shop.sim.clock.run_until_idle()
    [final] = shop.sim.postbacks(code="N202", tracking_id=tracking_id)
    shop.sim.platform.replay(final["id"])  # the platform sends the same postback again
    shop.sim.clock.flush()
    accepted = shop.sim.receiver.received("N202", tracking_id=tracking_id, ok=True)
    assert len(accepted) == 2  # both answered 200...
    assert shop.message(tracking_id)["postbacks"] == ["N201", "N202"]  # ...kept once
    rows = sqlite3.connect(shop.app.config["DATABASE"]).execute("SELECT COUNT(*) FROM postbacks")
    assert rows.fetchone()[0] == 2


def test_a_late_n201_does_not_undo_delivered(shop: Shop) -> None:
    tracking_id = shop.notify("15551230000")
    [sent] = shop.sim.postbacks(code="N201", tracking_id=tracking_id)
    shop.sim.platform.cancel(sent["id"])  # hold N201 back...
    shop.sim.clock.run_until_idle()
    assert shop.message(tracking_id)["status"] == "delivered"
    shop.sim.platform.replay(sent["id"])  # ...and let it arrive after N202
    shop.sim.clock.flush()
    shop.sim.receiver.assert_codes(["N202", "N201"], tracking_id=tracking_id)
    assert shop.message(tracking_id)["status"] == "delivered"


def test_stop_unsubscribes_and_is_answered(shop: Shop) -> None:
    shop.sim.send_sms_mo("stop", sender="15557770000", to="60856")
    assert shop.client.get("/optouts").get_json() == ["15557770000"]
    [reply] = shop.sim.receiver.wait_for("N202", TO="15557770000")  # the app's answer, delivered
    assert reply.ok
    refused = shop.client.post("/orders/2/notify", json={"to": "15557770000"})
    assert refused.status_code == 502
    assert "opted out" in refused.get_json()["error"]


def test_a_moderated_mms_mo_arrives_once_approved(shop: Shop) -> None:
    shop.sim.configure(moderation=True)
    photo = "https://example.com/mo/damaged-box.jpg"
    held = shop.sim.send_mms_mo([photo], sender="15558880000", keyword="RETURN")
    assert held["held"]
    assert shop.client.get("/inbound").get_json() == []
    shop.sim.moderation.approve()
    [item] = shop.client.get("/inbound").get_json()
    assert item == {"kind": "mms", "sender": "15558880000", "text": None, "files": [photo]}
    shop.sim.receiver.assert_codes(["N401"])
