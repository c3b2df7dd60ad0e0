"""``/``: the dashboard: counts by state, the live feed of postbacks, recent runs, the set-up."""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.web.api import platform
from mockserver.web.ui import install, page

bp = install(Blueprint("ui_dashboard", __name__))
FEED_SIZE = 30


@bp.get("/")
def dashboard() -> Response:
    p = platform()
    return page(
        "dashboard.html",
        counts=p.browse.counts(),
        feed=p.browse.page({}, limit=FEED_SIZE).rows,
        runs=p.runs(limit=8),
        health=p.health(),
        calls=p.api.call_log(8),
    )
