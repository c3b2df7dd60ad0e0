"""The event hub: numbering, order, resume, filters, the stream cap and overflow."""

from __future__ import annotations

import pytest

from mockserver import events
from mockserver.events import EventHub, TooManyStreamsError


def test_events_are_numbered_and_delivered_in_order() -> None:
    hub = EventHub()
    stream, backlog = hub.open(None, lambda e: True)
    for i in range(5):
        hub.publish({"type": "postback.attempt", "i": i})
    got = [stream.get(0) for _ in range(5)]
    assert backlog == []
    assert [e["i"] for e in got if e] == [0, 1, 2, 3, 4]
    assert [e["seq"] for e in got if e] == [1, 2, 3, 4, 5]
    assert stream.get(0) is None
    stream.close()
    assert hub.open_streams == 0


def test_resume_and_filter() -> None:
    hub = EventHub()
    for kind in ("postback.scheduled", "moderation.held", "postback.delivered"):
        hub.publish({"type": kind})
    stream, backlog = hub.open(1, lambda e: e["type"].startswith("postback."))
    assert [e["seq"] for e in backlog] == [3]
    hub.publish({"type": "moderation.approved"})
    assert stream.get(0) is None
    stream.close()


def test_stream_cap_and_close_wakes_streams() -> None:
    hub = EventHub(max_streams=1)
    stream, _ = hub.open(None, lambda e: True)
    with pytest.raises(TooManyStreamsError, match="1 event streams are open"):
        hub.open(None, lambda e: True)
    hub.close()
    assert hub.closed
    assert stream.get(0) is None


def test_overflow_marks_the_slow_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "QUEUE_SIZE", 2)
    hub = EventHub()
    stream, _ = hub.open(None, lambda e: True)
    for i in range(3):
        hub.publish({"type": "x", "i": i})
    assert stream.overflowed
    assert hub.last_seq == 3
