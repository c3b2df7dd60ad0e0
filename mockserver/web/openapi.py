"""``GET /mock/api/v1/openapi.json``: the control API as an OpenAPI 3.1 document.

A test compares its paths with the app's real routes, so neither can drift.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from mockserver import __version__

bp = Blueprint("openapi", __name__, url_prefix="/mock/api/v1")

OBJ: dict[str, Any] = {"type": "object"}
STR: dict[str, Any] = {"type": "string"}
ERROR = {"$ref": "#/components/responses/Error"}


def _op(
    summary: str, ok: str = "200", body: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {"description": "OK", "content": {"application/json": {"schema": OBJ}}},
            "400": ERROR,
            "401": ERROR,
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    op.update(extra)
    return op


def _body(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


def _path_id(name: str, kind: str = "integer") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": STR} for n in names]


FILTERS = ("code", "origin", "tracking_id", "state", "run_id", "since")
RUN_BODY = _body([], {"postback_url": STR, "flavor": STR, "vars": OBJ, "seed": {"type": "integer"},
                      "revision": STR, "pin": {"type": "array", "items": STR}})  # fmt: skip
SMS_BODY = _body(["from", "to", "text"], {"from": STR, "to": STR, "text": STR, "postback_url": STR})
MMS_BODY = _body(
    ["from", "to", "files"],
    {
        "from": STR,
        "to": STR,
        "files": {"type": "array", "items": STR, "minItems": 1},
        "keyword": STR,
        "subject": STR,
        "spid": STR,
        "postback_url": STR,
        "moderation": {"type": "boolean"},
    },
)

PATHS: dict[str, dict[str, Any]] = {
    "/health": {"get": _op("Liveness and version (no token needed)")},
    "/scenarios": {"get": _op("Built-in and user scenarios with their steps")},
    "/scenarios/{name}": {"get": _op("One scenario", parameters=[_path_id("name", "string")])},
    "/scenarios/{name}/runs": {
        "post": _op("Start a run", "201", RUN_BODY, parameters=[_path_id("name", "string")])
    },
    "/runs": {"get": _op("Recent runs")},
    "/runs/{run_id}": {
        "get": _op(
            "A run and its postbacks with their states", parameters=[_path_id("run_id", "string")]
        )
    },
    "/mo/sms": {"post": _op("Inject an SMS MO (N211)", "201", SMS_BODY)},
    "/mo/mms": {
        "post": _op("Inject an MMS MO (N401; 202 when held for moderation)", "201", MMS_BODY)
    },
    "/moderation": {"get": _op("Moderation queue", parameters=_query("state"))},
    "/moderation/{item_id}": {"get": _op("One moderation item", parameters=[_path_id("item_id")])},
    "/moderation/{item_id}/approve": {
        "post": _op("Approve: send the held postbacks", parameters=[_path_id("item_id")])
    },
    "/moderation/{item_id}/reject": {
        "post": _op("Reject: drop them", parameters=[_path_id("item_id")])
    },
    "/postbacks": {"get": _op("The delivery log", parameters=_query(*FILTERS, "limit", "offset"))},
    "/postbacks/replay": {
        "post": _op(
            "Replay every postback matching filters",
            "201",
            _body(
                [],
                {
                    **dict.fromkeys(FILTERS, STR),
                    "since": {"type": "number"},
                    "limit": {"type": "integer"},
                    "url": STR,
                },
            ),
        )
    },
    "/postbacks/{postback_id}": {
        "get": _op("One postback with every attempt", parameters=[_path_id("postback_id")])
    },
    "/postbacks/{postback_id}/replay": {
        "post": _op("Send it again as a new postback", "201", parameters=[_path_id("postback_id")])
    },
    "/calls": {
        "get": _op(
            "The platform API call log, newest first",
            parameters=_query(
                "action",
                "outcome",
                "code",
                "tracking_id",
                "mmsid",
                "api_key",
                "run_id",
                "since",
                "limit",
                "offset",
            ),
        )
    },
    "/calls/{call_id}": {
        "get": _op("One platform API call: request, reply, runs", parameters=[_path_id("call_id")])
    },
    "/clock": {"get": _op("Clock kind and current platform time")},
    "/clock/advance": {
        "post": _op(
            "Advance the virtual clock",
            body=_body(["seconds"], {"seconds": {"type": "number", "minimum": 0}}),
        )
    },
    "/reset": {"post": _op("Drop all state")},
    "/settings": {"get": _op("Live settings"), "patch": _op("Change live settings", body=OBJ)},
    "/events": {
        "get": {
            "summary": "Server-sent events of every state change",
            "parameters": _query("since", "types", "limit", "timeout"),
            "responses": {
                "200": {
                    "description": "text/event-stream",
                    "content": {"text/event-stream": {"schema": STR}},
                },
                "503": ERROR,
            },
        }
    },
    "/openapi.json": {"get": _op("This document")},
}


def document() -> dict[str, Any]:
    error_schema = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": STR, "message": STR, "field": {"type": ["string", "null"]}},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "mockserver control API", "version": __version__},
        "servers": [{"url": "/mock/api/v1"}],
        "paths": PATHS,
        "components": {
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {"application/json": {"schema": error_schema}},
                }
            },
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "X-Mockserver-Token"}
            },
        },
        "security": [{}, {"token": []}],
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


def routes_table() -> str:
    """The route table of docs/control-api.md (a test keeps the page equal to this)."""
    rows = ["| method | path | does |", "| --- | --- | --- |"]
    for path, ops in PATHS.items():
        for method, op in ops.items():
            rows.append(f"| {method.upper()} | `/mock/api/v1{path}` | {op['summary']} |")
    return "\n".join(rows)
