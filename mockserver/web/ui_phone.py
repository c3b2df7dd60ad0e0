"""``/phone``: a handset. Compose an SMS MO or an MMS MO (subject, keyword, media as URLs or
uploaded files the simulator then serves) as if from the phone; see the messages the phone
sent and the MT messages sent to it, as a conversation."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from mockserver.web.api import ApiError, platform
from mockserver.web.ui import form_error, install, is_refusal, page
from mockserver.web.uploads import PREFIX, uploads
from mockserver.wire.api import ApiFailure, parse_request
from mockserver.wire.errors import FlavorError

bp = install(Blueprint("ui_phone", __name__))
HANDSET = "16315551234"
SHORT_CODE = "60856"
MO_ORIGINS = ("SMS_MO", "MMS_MO")


#: Uploads from the phone may be larger than other requests (1 MiB).
MAX_UPLOAD = 10 * 1024 * 1024


def _numbers() -> tuple[str, str]:
    source: Any = request.args
    if request.method == "POST":
        try:
            source = request.form
        except RequestEntityTooLarge:
            source = request.args
    number = (source.get("number") or source.get("from") or HANDSET).strip()[:32]
    to = (source.get("to") or SHORT_CODE).strip()[:32]
    return number, to


def conversation(rows: list[dict[str, Any]], number: str) -> list[dict[str, Any]]:
    """The handset's messages, newest first: what it sent (MO), and what was sent to it (MT
    postbacks grouped by tracking id, with the status each one reported)."""
    items: list[dict[str, Any]] = []
    threads: dict[str, dict[str, Any]] = {}
    for r in rows:  # newest first
        f = r["fields"]
        if r["origin"] in MO_ORIGINS and f.get("FROM") == number:
            media = f.get("CONTENT") if isinstance(f.get("CONTENT"), list) else []
            text = f.get("TEXT") or f.get("SUBJECT") or ""
            items.append({"mine": True, "row": r, "text": text, "media": media,
                          "keyword": f.get("KEYWORD"), "time": r["created"]})  # fmt: skip
            continue
        key = r["tracking_id"] or r["message_key"] or f"#{r['id']}"
        thread = threads.get(key)
        if thread is None:
            thread = {"mine": False, "row": r, "key": key, "statuses": [], "time": r["created"],
                      "kind": r["origin"].split("_")[0], "text": f.get("TEXT") or ""}  # fmt: skip
            threads[key] = thread
            items.append(thread)
        thread["statuses"].insert(0, r)
        thread["time"] = min(thread["time"], r["created"])
    return items


def sent_text(tracking_id: str) -> str:
    """What the app sent in the platform API call whose reply carried ``tracking_id``: its
    TEXT (SMS) or SUBJECT (MMS), read back from the call log; "" when there is none."""
    found = platform().api.calls.list(limit=1, tracking_id=tracking_id)
    call = platform().api.calls.get(found[0]["id"]) if found else None
    if call is None:
        return ""
    req = call["request"]
    body = str(req.get("body", "")).encode("utf-8")
    ctype = req.get("content_type")
    form = {}
    if ctype and "form-urlencoded" in ctype and not body.lstrip().startswith(b"<"):
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    query = {k: v[0] for k, v in parse_qs(str(req.get("query", ""))).items()}
    headers = {"x-api-key": call.get("api_key") or ""}  # the Sinch JSON dialect's key
    try:
        parsed = parse_request(
            req.get("method", "POST"), query, form, body, ctype, call["dialect"], headers=headers
        )
    except (ApiFailure, FlavorError):
        return ""
    return parsed.get("TEXT") or parsed.get("SUBJECT") or ""


def _phone(status: int = 200, error: ApiError | None = None) -> Response:
    number, to = _numbers()
    rows = platform().browse.handset(number)
    items = conversation(rows, number)
    for item in items:
        if not item["mine"] and not item["text"] and item["key"]:
            item["text"] = sent_text(item["key"])
    return page("phone.html", status, number=number, to=to, error=error,
                items=items, form=_form())  # fmt: skip


def _form() -> Any:
    if request.method != "POST":
        return {}
    try:
        return request.form
    except RequestEntityTooLarge:
        return {}


@bp.get("/phone")
def phone() -> Response:
    return _phone()


def _back(done: str) -> BaseResponse:
    number, to = _numbers()
    return redirect(url_for("ui_phone.phone", number=number, to=to, done=done), 303)


@bp.post("/phone/sms")
def send_sms() -> BaseResponse:
    number, to = _numbers()
    try:
        platform().inbox.sms_mo(number, to, request.form.get("text", ""))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _phone(400, form_error(exc))
    return _back("sms")


def _media_urls() -> list[str]:
    urls = [u.strip() for u in request.form.get("urls", "").splitlines() if u.strip()]
    settings = platform().settings
    # the address the browser used reaches this server; port 0 in the settings would not
    base = settings.public_url.rstrip("/") if settings.public_url else request.host_url.rstrip("/")
    store = uploads()
    for upload in request.files.getlist("upload"):
        if not upload or not upload.filename:
            continue
        name = store.save(upload.filename, upload.read())
        urls.append(base + PREFIX + name)
    return urls


@bp.post("/phone/mms")
def send_mms() -> BaseResponse:
    request.max_content_length = MAX_UPLOAD
    number, to = _numbers()
    try:
        form = request.form
        result = platform().inbox.mms_mo(
            number, to, _media_urls(),
            keyword=form.get("keyword", "").strip() or None,
            subject=form.get("subject", "").strip() or None,
        )  # fmt: skip
    except RequestEntityTooLarge:
        message = "the files are over 10 MiB in all; send smaller ones, or media URLs"
        return _phone(413, ApiError(413, "too_large", message, "upload"))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _phone(400, form_error(exc))
    return _back("held" if result["held"] else "mms")
