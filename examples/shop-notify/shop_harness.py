"""The test harness of shop-notify: the app, a client and the simulator of one test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mockserver.testing import Simulator


@dataclass
class Shop:
    app: Flask
    client: FlaskClient
    sim: Simulator
    mode: str

    def notify(self, to: str, kind: str = "sms", **data: Any) -> str:
        """Ask the shop to notify ``to``; returns the message's tracking id."""
        reply = self.client.post("/orders/1/notify", json={"to": to, "kind": kind, **data})
        assert reply.status_code == 201, reply.get_json()
        tracking_id: str = reply.get_json()["tracking_id"]
        return tracking_id

    def message(self, tracking_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.get(f"/messages/{tracking_id}").get_json()
        return found
