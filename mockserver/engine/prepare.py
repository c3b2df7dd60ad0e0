"""A postback made ready for the store: its due time, rendered body and ordering key."""

from __future__ import annotations

from typing import Any

from mockserver import wire
from mockserver.config import Settings
from mockserver.engine.jobs import NewPostback
from mockserver.wire.model import Postback


def new_postback(
    postback: Postback,
    due: float,
    settings: Settings,
    *,
    url: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    flavor: str | None = None,
    message_key: str | None = None,
    run_id: str | None = None,
) -> NewPostback:
    """See ``MockPlatform.schedule`` for the arguments."""
    flavor = flavor or postback.flavor or settings.flavor
    if body is None:
        fields: dict[str, Any] = {"ORIGIN": postback.origin, **postback.fields}
        body = wire.render(postback.code, fields, flavor, body_mode=settings.body_mode)
        content_type = wire.content_type(flavor, settings.body_mode)
    tracking = _text(postback.fields.get("TRACKINGID"))
    key = message_key or tracking or _text(postback.fields.get("MMSID"))
    return NewPostback(
        due=due, origin=postback.origin, code=postback.code, fields=dict(postback.fields),
        flavor=flavor, content_type=content_type or _default_type(flavor), body=body,
        url=url, message_key=key, tracking_id=tracking, run_id=run_id,
    )  # fmt: skip


def _text(value: str | list[str] | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _default_type(flavor: str) -> str:
    if flavor.endswith("json"):
        return "application/json"
    return "text/xml; charset=utf-8"
