"""``/events`` streams every state change, in order, and ends on its own limits."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from mockserver.platform import MockPlatform


def read_events(client: FlaskClient, query: str) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/mock/api/v1/events?" + query, buffered=True)
    assert response.mimetype == "text/event-stream"
    text = response.get_data(as_text=True)
    return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]


def test_backlog_in_order_with_types(client: FlaskClient, platform: MockPlatform) -> None:
    client.post("/mock/api/v1/mo/sms", json={"from": "1", "to": "2", "text": "a"})
    platform.run_until_idle()
    events = read_events(client, "since=0&limit=50&timeout=1")
    assert events
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) == list(range(1, len(seqs) + 1))
    types = [e["type"] for e in events]
    assert types.index("postback.scheduled") < types.index("postback.delivered")


def test_type_filter_and_limit(client: FlaskClient, platform: MockPlatform) -> None:
    for text in ("a", "b", "c"):
        client.post("/mock/api/v1/mo/sms", json={"from": "1", "to": "2", "text": text})
    platform.run_until_idle()
    events = read_events(client, "since=0&types=postback.delivered&limit=2&timeout=1")
    assert [e["type"] for e in events] == ["postback.delivered"] * 2


def test_bad_since(client: FlaskClient) -> None:
    assert client.get("/mock/api/v1/events?since=x").status_code == 400
