"""``GET /mock/api/v1/events``: server-sent events of every state change, in order."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request, stream_with_context

from mockserver.events import Event, EventHub, Stream, TooManyStreamsError
from mockserver.web.api import ApiError, error_response, platform, query_int

bp = Blueprint("events", __name__, url_prefix="/mock/api/v1")
#: Seconds a client refused for too many streams is asked to wait.
RETRY_AFTER = 5


def hub() -> EventHub:
    found: EventHub = current_app.extensions["mockserver.events"]
    return found


def _format(event: Event) -> str:
    return (
        f"id: {event['seq']}\nevent: {event.get('type', 'message')}\ndata: {json.dumps(event)}\n\n"
    )


@bp.get("/events")
def events() -> Response:
    """Query: ``since`` (resume after this seq; also the Last-Event-ID header), ``types``
    (comma-separated type prefixes, e.g. ``postback.,moderation.``), ``limit`` (end after N
    events), ``timeout`` (end after N idle seconds) and ``heartbeat`` (a keep-alive comment
    after N idle seconds, at most the setting: the UI asks for 2, so that the stream of a
    page left behind ends, and frees its slot, within 2 s); by default the stream stays open."""
    since_raw = request.args.get("since") or request.headers.get("Last-Event-ID")
    since = None
    if since_raw is not None:
        text = since_raw.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 19):
            raise ApiError(400, "invalid_field", "since must be an event number", "since")
        since = int(text)
    prefixes = tuple(p for p in request.args.get("types", "").split(",") if p)
    limit = query_int("limit", 0, 0, 1_000_000)
    idle = float(query_int("timeout", 0, 0, 86_400))
    heartbeat = _heartbeat(platform().settings.heartbeat)
    try:
        stream, backlog = hub().open(
            since, lambda e: not prefixes or str(e.get("type", "")).startswith(prefixes)
        )
    except TooManyStreamsError as exc:
        refused = error_response(503, "too_many_streams", str(exc))
        refused.headers["Retry-After"] = str(RETRY_AFTER)
        return refused
    body = stream_with_context(_generate(stream, backlog, limit, idle, heartbeat))
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(body, mimetype="text/event-stream", headers=headers)


def _heartbeat(setting: float) -> float:
    """The ``heartbeat`` query parameter (whole seconds), never above the setting."""
    if request.args.get("heartbeat") is None:
        return setting
    return min(setting, float(query_int("heartbeat", 1, 1, 86_400)))


def _generate(
    stream: Stream, backlog: list[Event], limit: int, idle: float, heartbeat: float
) -> Iterator[str]:
    """The stream's text. A comment line every ``heartbeat`` idle seconds keeps proxies from
    closing it, and ends a stream whose client has gone: the write fails, the generator is
    closed, its slot and thread are free."""
    sent = 0
    try:
        yield "retry: 2000\n\n"
        for event in backlog:
            yield _format(event)
            sent += 1
            if limit and sent >= limit:
                return
        quiet_since = time.monotonic()
        while not stream.hub.closed and not stream.overflowed:
            wait = heartbeat if not idle else min(heartbeat, idle)
            item = stream.get(wait)
            if item is None:
                if stream.hub.closed or (idle and time.monotonic() - quiet_since >= idle):
                    return
                yield ": keep-alive\n\n"
                continue
            quiet_since = time.monotonic()
            yield _format(item)
            sent += 1
            if limit and sent >= limit:
                return
        if stream.overflowed:
            yield _format({"seq": 0, "type": "stream.overflow"})
    finally:
        stream.close()
