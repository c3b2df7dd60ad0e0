"""Control API: SMS and MMS MO injection and the moderation queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from mockserver.platform import MockPlatform
from mockserver.web.api import ApiError, Field, json_body, parse_json_object, platform

bp = Blueprint("inbox", __name__, url_prefix="/mock/api/v1")
SMS_MO_PATH = "/mock/api/v1/mo/sms"
SMS_MO_BODY = {"from": Field((str,), required=True), "to": Field((str,), required=True),
               "text": Field((str,), required=True), "postback_url": Field((str,))}  # fmt: skip


def _created(payload: dict[str, object]) -> Response:
    response = jsonify(payload)
    response.status_code = 201
    return response


def inject_sms(found: MockPlatform, raw: bytes) -> tuple[int, dict[str, Any]]:
    """``POST /mo/sms`` on the raw body: (201, payload), or an error raised. The Flask view
    and the fast lane (``web.lane``, which serves this route in production) both call it."""
    body = parse_json_object(raw, SMS_MO_BODY)
    result = found.inbox.sms_mo(
        body["from"], body["to"], body["text"], url=body.get("postback_url")
    )
    return 201, result


@bp.post("/mo/sms")
def sms_mo() -> Response:
    status, payload = inject_sms(platform(), request.get_data(cache=True))
    response = jsonify(payload)
    response.status_code = status
    return response


@bp.post("/mo/mms")
def mms_mo() -> Response:
    spec = {"from": Field((str,), required=True), "to": Field((str,), required=True),
            "files": Field((list,), required=True), "keyword": Field((str,)),
            "subject": Field((str,)), "spid": Field((str,)), "postback_url": Field((str,)),
            "moderation": Field((bool,))}  # fmt: skip
    body = json_body(spec)
    result = platform().inbox.mms_mo(
        body["from"],
        body["to"],
        body["files"],
        keyword=body.get("keyword"),
        subject=body.get("subject"),
        spid=body.get("spid"),
        url=body.get("postback_url"),
        moderation=body.get("moderation"),
    )
    if result["held"]:
        response = jsonify(result)
        response.status_code = 202
        return response
    return _created(result)


@bp.get("/moderation")
def moderation() -> Response:
    state = request.args.get("state", "pending")
    if state not in ("pending", "approved", "rejected", "all"):
        raise ApiError(400, "invalid_field", "state is pending, approved, rejected or all", "state")
    items = platform().inbox.items(None if state == "all" else state)
    return jsonify({"items": items})


@bp.get("/moderation/<int:item_id>")
def moderation_item(item_id: int) -> Response:
    return jsonify(platform().inbox.item(item_id))


@bp.post("/moderation/<int:item_id>/approve")
def approve(item_id: int) -> Response:
    ids = platform().inbox.approve(item_id)
    return jsonify({"id": item_id, "state": "approved", "postback_ids": ids})


@bp.post("/moderation/<int:item_id>/reject")
def reject(item_id: int) -> Response:
    platform().inbox.reject(item_id)
    return jsonify({"id": item_id, "state": "rejected"})
