"""The drawn timeline of a message or a run: postbacks on a time axis, as SVG coordinates.

Pure layout (no Flask): one lane per postback; on it the wait from scheduling to the first
planned attempt (dashed), each attempt's planned time (hollow diamond) and actual start
(a dot, green when accepted, red when not). The template draws what this computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

WIDTH = 1000.0
LABEL = 200.0
RIGHT = 24.0
TOP = 30.0
LANE = 46.0
FINAL = ("delivered", "failed", "cancelled")
_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120,
          300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)  # fmt: skip


@dataclass
class Mark:
    x: float
    title: str
    css: str = ""
    href: str = ""


@dataclass
class Lane:
    y: float
    label: str
    sub: str
    href: str
    wait: tuple[float, float] | None = None
    planned: list[Mark] = field(default_factory=list)
    hits: list[Mark] = field(default_factory=list)
    links: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Drawing:
    width: float
    height: float
    ticks: list[tuple[float, str]]
    lanes: list[Lane]
    now_x: float | None
    start: float
    span: float


def tick_label(seconds: float) -> str:
    if seconds == 0:
        return "0"
    if seconds < 1:
        return f"+{seconds * 1000:g} ms"
    if seconds < 60:
        return f"+{seconds:g} s"
    if seconds < 3600:
        return f"+{seconds / 60:g} min"
    if seconds < 86400:
        return f"+{seconds / 3600:g} h"
    return f"+{seconds / 86400:g} d"


def _step(span: float) -> float:
    for step in _STEPS:
        if span / step <= 8:
            return step
    return float(math.ceil(span / 8))


def _extent(
    rows: list[dict[str, Any]], calls: list[dict[str, Any]], now: float
) -> tuple[float, float]:
    times: list[float] = [c["created"] for c in calls]
    for r in rows:
        times += [r["created"], r["due"]]
        for a in r["attempts_log"]:
            times += [a["due"], a["started"] + (a["latency"] or 0.0)]
    if any(r["state"] not in FINAL for r in rows):
        times.append(now)
    start = min(times)
    return start, max(max(times) - start, 0.001)


def layout(
    rows: list[dict[str, Any]],
    now: float,
    link: Any,
    calls: list[dict[str, Any]] | None = None,
    call_link: Any = None,
) -> Drawing:
    """``link(postback_id, attempt_number_or_None)`` gives the URL a mark points at; the
    platform API ``calls`` (each a lane of its own, on top) link through ``call_link(id)``."""
    calls = calls or []
    start, span = _extent(rows, calls, now) if rows or calls else (now, 1.0)
    plot = WIDTH - LABEL - RIGHT

    def x(t: float) -> float:
        return round(LABEL + (t - start) / span * plot, 1)

    step = _step(span)
    ticks = [(x(start + i * step), tick_label(i * step)) for i in range(int(span / step) + 1)]
    lanes = [_call_lane(i, c, x, call_link) for i, c in enumerate(calls)]
    lanes += [_lane(len(calls) + i, r, x, now, link) for i, r in enumerate(rows)]
    now_x = x(now) if lanes and start <= now <= start + span else None
    return Drawing(WIDTH, TOP + LANE * len(lanes) + 8, ticks, lanes, now_x, start, span)


def _call_lane(i: int, c: dict[str, Any], x: Any, call_link: Any) -> Lane:
    href = call_link(c["id"])
    lane = Lane(y=TOP + LANE * i, label=f"{c['action'] or 'API call'} · call #{c['id']}",
                sub=f"platform API · {c['outcome']}", href=href)  # fmt: skip
    title = f"{c['action'] or 'call'}: HTTP {c['http_status']}, {c['outcome']}"
    css = "call" if c["outcome"] == "success" else "bad"
    lane.hits.append(Mark(x(c["created"]), title, css, href))
    return lane


def _lane(i: int, r: dict[str, Any], x: Any, now: float, link: Any) -> Lane:
    attempts = r["attempts_log"]
    first_due = attempts[0]["due"] if attempts else r["due"]
    lane = Lane(
        y=TOP + LANE * i,
        label=f"{r['code']} · #{r['id']}",
        sub=f"{r['origin']} · {r['state']}",
        href=link(r["id"], None),
    )
    lane.wait = (x(r["created"]), x(first_due))
    for a in attempts:
        verdict = "accepted" if a["ok"] else "refused"
        got = f"HTTP {a['status']}" if a["status"] is not None else (a["error"] or "no answer")
        late = a["started"] - a["due"]
        latency = f"{(a['latency'] or 0) * 1000:.0f} ms"
        title = (f"attempt {a['number']}: {got}, {verdict}, {latency}; planned "
                 f"{tick_label(a['due'] - r['created'])} after scheduling, started "
                 f"{late * 1000:.0f} ms after that")  # fmt: skip
        href = link(r["id"], a["number"])
        lane.planned.append(Mark(x(a["due"]), f"attempt {a['number']} planned", "", href))
        lane.hits.append(Mark(x(a["started"]), title, "ok" if a["ok"] else "bad", href))
        lane.links.append((x(a["due"]), x(a["started"])))
    if r["state"] not in FINAL:
        number = len(attempts) + 1
        when = "now" if r["due"] <= now else tick_label(r["due"] - now) + " from now"
        lane.planned.append(
            Mark(x(r["due"]), f"attempt {number} planned ({when})", "next", link(r["id"], None))
        )
    return lane
