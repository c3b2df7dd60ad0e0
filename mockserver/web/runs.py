"""Control API: scenarios and their runs."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockserver.web.api import ApiError, Field, json_body, platform, query_int

bp = Blueprint("runs", __name__, url_prefix="/mock/api/v1")


@bp.get("/scenarios")
def scenarios() -> Response:
    return jsonify({"scenarios": platform().scenarios()})


@bp.get("/scenarios/<name>")
def scenario(name: str) -> Response:
    found = {s["name"]: s for s in platform().scenarios()}
    if name not in found:
        raise ApiError(404, "not_found", f"no scenario {name!r}; GET /scenarios lists them", "name")
    return jsonify(found[name])


@bp.post("/scenarios/<name>/runs")
def start_run(name: str) -> Response:
    spec = {"postback_url": Field((str,)), "flavor": Field((str,)), "vars": Field((dict,)),
            "seed": Field((int,)), "revision": Field((str,)), "pin": Field((list,))}  # fmt: skip
    body = json_body(spec, allow_empty=True)
    pins = body.get("pin", [])
    if not all(isinstance(label, str) for label in pins):
        raise ApiError(400, "invalid_field", "pin is a list of branch labels (strings)", "pin")
    run = platform().run_scenario(
        name,
        vars=body.get("vars"),
        seed=body.get("seed"),
        postback_url=body.get("postback_url"),
        flavor=body.get("flavor"),
        revision=body.get("revision"),
        pins=pins,
    )
    response = jsonify(run)
    response.status_code = 201
    return response


@bp.get("/runs")
def runs() -> Response:
    limit = query_int("limit", 50, 1, 1000)
    return jsonify({"runs": platform().runs(limit=limit)})


@bp.get("/runs/<run_id>")
def run(run_id: str) -> Response:
    found = platform().run(run_id)
    if found is None:
        raise ApiError(404, "not_found", f"no run {run_id!r}", "run_id")
    return jsonify(found)
