"""Control API: the log of platform API calls (``/mock/api/v1/calls``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mockserver.web.api import ApiError, platform, query_int

bp = Blueprint("calls", __name__, url_prefix="/mock/api/v1")

_OUTCOMES = ("success", "failure", "fault")


@bp.get("/calls")
def calls() -> Response:
    """Calls, newest first; filters: action, outcome, code, tracking_id, mmsid, api_key,
    run_id, since (epoch s); paging: limit, offset."""
    limit = query_int("limit", 100, 1, 1000)
    offset = query_int("offset", 0, 0, 10**9)
    names = ("action", "outcome", "code", "tracking_id", "mmsid", "api_key", "run_id")
    filters = {name: request.args.get(name) for name in names}
    if filters["outcome"] not in (None, *_OUTCOMES):
        raise ApiError(400, "invalid_field", f"outcome is one of {', '.join(_OUTCOMES)}", "outcome")
    since = request.args.get("since")
    try:
        since_value = float(since) if since is not None else None
    except ValueError:
        raise ApiError(400, "invalid_field", "since is a time in epoch seconds", "since") from None
    found = platform().api.call_log(limit, offset, since=since_value, **filters)
    return jsonify({"calls": found})


@bp.get("/calls/<int:call_id>")
def call(call_id: int) -> Response:
    found = platform().api.call_entry(call_id)
    if found is None:
        raise ApiError(404, "not_found", f"no API call {call_id}; GET /calls lists them", "id")
    return jsonify(found)
