"""``/calls``: the platform API's call log (what the app sent: sendSMS, sendMMS, ...), each
call's request and reply, linked to the postbacks it started."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.web.api import ApiError, platform, query_int
from mockserver.web.ui import bad_request, install, page

bp = install(Blueprint("ui_calls", __name__))
PAGE = 50
OUTCOMES = ("success", "failure", "fault")


@bp.get("/calls")
def calls() -> Response:
    filters = {name: request.args.get(name, "").strip()[:200] or None
               for name in ("action", "outcome", "tracking_id")}  # fmt: skip
    if filters["outcome"] not in (None, *OUTCOMES):
        raise bad_request(f"outcome is one of {', '.join(OUTCOMES)}", "outcome")
    offset = query_int("offset", 0, 0, 10**7)
    rows = platform().api.call_log(PAGE + 1, offset, **filters)
    return page("calls.html", rows=rows[:PAGE], more=len(rows) > PAGE, offset=offset,
                filters=filters, outcomes=OUTCOMES, page_size=PAGE,
                args={k: v for k, v in filters.items() if v})  # fmt: skip


@bp.get("/calls/<int:call_id>")
def call(call_id: int) -> Response:
    found = platform().api.call_entry(call_id)
    if found is None:
        raise ApiError(404, "not_found", f"no API call {call_id}", "id")
    return page("call.html", call=found)
