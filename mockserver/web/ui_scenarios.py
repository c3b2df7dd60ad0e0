"""``/scenarios``: the scenario launcher: descriptions, a preview of the steps, and a form to
run one with overridden vars, flavour, revision, pinned branches, seed and target URL."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from mockserver.web.api import ApiError, platform
from mockserver.web.ui import bad_request, form_error, install, is_refusal, page
from mockserver.wire.model import FLAVORS
from mockserver.wire.revisions import REVISIONS

bp = install(Blueprint("ui_scenarios", __name__))


def _scenarios() -> list[dict[str, Any]]:
    return platform().scenarios()


def _launcher(name: str | None, status: int = 200, error: ApiError | None = None) -> Response:
    scenarios = _scenarios()
    chosen = next((s for s in scenarios if s["name"] == name), None)
    if name and chosen is None:
        raise ApiError(404, "not_found", f"no scenario {name!r}", "name")
    if chosen is None and scenarios:
        chosen = scenarios[0]
    return page(
        "scenarios.html",
        status,
        scenarios=scenarios,
        chosen=chosen,
        flavors=FLAVORS,
        revisions=REVISIONS,
        form=request.form if request.method == "POST" else {},
        error=error,
    )


@bp.get("/scenarios")
def launcher() -> Response:
    return _launcher(request.args.get("name"))


@bp.get("/scenarios/<name>")
def scenario(name: str) -> Response:
    return _launcher(name)


def _options(chosen: dict[str, Any]) -> dict[str, Any]:
    form = request.form
    overrides = {}
    for var in chosen["vars"]:
        value = form.get(f"var.{var}", "")
        if value.strip():
            overrides[var] = value
    seed_text = form.get("seed", "").strip()
    if seed_text and not seed_text.lstrip("-").isdigit():
        raise bad_request("seed must be a whole number (or empty for a random one)", "seed")
    seed = int(seed_text) if seed_text else None
    if seed is not None and not -(2**63) <= seed < 2**63:
        raise bad_request("seed is beyond a 64-bit integer", "seed")
    pins = [label for label in form.getlist("pin") if label in chosen["labels"]]
    return {
        "vars": overrides or None,
        "seed": seed,
        "postback_url": form.get("postback_url", "").strip() or None,
        "flavor": form.get("flavor") or None,
        "revision": form.get("revision") or None,
        "pins": pins,
    }


@bp.post("/scenarios/<name>/run")
def start(name: str) -> BaseResponse:
    found = {s["name"]: s for s in _scenarios()}
    if name not in found:
        raise ApiError(404, "not_found", f"no scenario {name!r}", "name")
    try:
        run = platform().run_scenario(name, **_options(found[name]))
    except Exception as exc:
        if not is_refusal(exc):
            raise
        return _launcher(name, 400, form_error(exc))
    target = url_for("ui_timeline.run", run_id=run["run_id"])
    return redirect(target, 303)
