"""A postback made ready for the store: its due time, rendered body and ordering key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from mockserver import wire
from mockserver.config import Settings
from mockserver.engine.jobs import NewPostback
from mockserver.wire.model import Postback

if TYPE_CHECKING:
    from typing_extensions import Unpack


class Options(TypedDict, total=False):
    """How a postback is sent and filed (see ``MockPlatform.schedule``)."""

    body: bytes | None
    content_type: str | None
    flavor: str | None
    message_key: str | None
    run_id: str | None


def new_postback(
    postback: Postback,
    due: float,
    settings: Settings,
    url: str | None = None,
    **options: Unpack[Options],
) -> NewPostback:
    """See ``MockPlatform.schedule`` for the arguments."""
    body, content_type = options.get("body"), options.get("content_type")
    flavor, message_key = options.get("flavor"), options.get("message_key")
    flavor = flavor or postback.flavor or settings.flavor
    if body is None:
        flavor = writable_flavor(postback, flavor)
        fields: dict[str, Any] = {"ORIGIN": postback.origin, **postback.fields}
        body = wire.render(
            postback.code, fields, flavor, revision=settings.revision, body_mode=settings.body_mode
        )
        content_type = wire.content_type(flavor, settings.body_mode)
    tracking = _text(postback.fields.get("TRACKINGID"))
    key = message_key or tracking or _text(postback.fields.get("MMSID"))
    return NewPostback(
        due=due, origin=postback.origin, code=postback.code, fields=dict(postback.fields),
        flavor=flavor, content_type=content_type or _default_type(flavor), body=body,
        url=url, message_key=key, tracking_id=tracking, run_id=options.get("run_id"),
    )  # fmt: skip


def writable_flavor(postback: Postback, flavor: str) -> str:
    """``flavor``, or skycore-xml for a postback Sinch's XML service does not have: it has no
    SMS postbacks at all, so under ``sinch-xml`` an SMS MO (or MT) is written in skycore-xml
    in the configured revision (the simulator's rule; the real platform sends Sinch SMS
    traffic through another product)."""
    entry = wire.lookup(postback.code, postback.origin)
    if flavor == "sinch-xml" and flavor not in entry.layouts:
        return "skycore-xml"
    return flavor


def _text(value: str | list[str] | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _default_type(flavor: str) -> str:
    if flavor.endswith("json"):
        return "application/json"
    return "text/xml; charset=utf-8"
