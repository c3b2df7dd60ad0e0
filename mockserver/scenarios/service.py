"""The platform's scenario operations: list, start a run, and read runs back from the store.

A run's plan summary is kept in the ``runs`` table, so ``GET /runs/{id}`` still answers after
a restart; the states of its postbacks always come from the delivery log. A run's own
moderation holds (several ``wait`` steps, or ``on_reject`` steps) are kept in memory only.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mockserver.scenarios.library import Library
from mockserver.scenarios.model import (
    BundleStep,
    ChooseStep,
    Delay,
    PostbackStep,
    RepeatStep,
    Scenario,
    Step,
    Template,
    Value,
    WaitStep,
    supported_flavors,
    supported_revisions,
)
from mockserver.scenarios.runs import Run, default_library, runs_of, start_run

if TYPE_CHECKING:
    from mockserver.platform import MockPlatform


class ScenarioService:
    def __init__(self, platform: MockPlatform) -> None:
        self.platform = platform

    @property
    def library(self) -> Library:
        return default_library(tuple(self.platform.settings.scenarios))

    def describe_all(self) -> list[dict[str, Any]]:
        return [describe(s) for s in self.library]

    def start(self, name: str, **options: Any) -> dict[str, Any]:
        run = start_run(self.platform, name, library=self.library, **options)
        summary = run.to_dict()
        store = self.platform.store
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, scenario, created, state, data) VALUES (?, ?, ?, ?, ?)",
                (run.id, run.plan.scenario, self.platform.now(), "started", json.dumps(summary)),
            )
        self.platform.publish({"type": "run.started", "run_id": run.id, "scenario": name})
        return summary

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = self.platform.store.execute(
            "SELECT id, scenario, created FROM runs ORDER BY created DESC, rowid DESC LIMIT ?",
            (limit,),
        )
        return [
            {"run_id": r["id"], "scenario": r["scenario"], "created": r["created"]} for r in rows
        ]

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self.platform.store.execute("SELECT * FROM runs WHERE id = ?", (run_id,))
        if not rows:
            return None
        summary: dict[str, Any] = json.loads(rows[0]["data"])
        live = runs_of(self.platform).get(run_id)
        if live is not None:
            self._sync_holds(live)
            summary = live.to_dict()
        log = self.platform.postbacks(limit=10_000, run_id=run_id)
        states = {row["id"]: row for row in log}
        for planned in summary["postbacks"]:
            row = states.get(planned["postback_id"])
            planned["state"] = (
                row["state"] if row else ("dropped" if planned["dropped"] else "held")
            )
            planned["attempts"] = row["attempts"] if row else 0
        summary["log"] = [
            {
                "postback_id": r["id"],
                "code": r["code"],
                "state": r["state"],
                "attempts": r["attempts"],
            }
            for r in sorted(log, key=lambda r: r["id"])
        ]
        summary["created"] = rows[0]["created"]
        return summary

    def _sync_holds(self, run: Run) -> None:
        """A hold put in the moderation queue is decided there: copy its state back."""
        for hold in run.holds:
            if hold.moderation_id is not None and hold.state == "pending":
                hold.state = self.platform.inbox.item(hold.moderation_id)["state"]

    def clear(self) -> None:
        runs_of(self.platform).clear()


def describe(scenario: Scenario) -> dict[str, Any]:
    """A scenario as JSON: what the control API and the UI list."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "kind": scenario.kind,
        "codes": list(scenario.codes()),
        "flavors": list(supported_flavors(scenario)),
        "revisions": list(supported_revisions(scenario)),
        "events": list(scenario.events()),
        "labels": list(scenario.labels()),
        "vars": {name: _value(v) for name, v in scenario.vars},
        "steps": [_step(s) for s in scenario.steps],
        "path": scenario.path,
    }


def _value(value: Value) -> str | list[str]:
    return value.source if isinstance(value, Template) else [t.source for t in value]


def _delay(delay: Delay) -> str | None:
    if delay.low == delay.high == 0:
        return None
    return f"{delay.low:g}s" if delay.fixed else f"{delay.low:g}s..{delay.high:g}s"


def _step(step: Step) -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(step, PostbackStep) and step.event is not None:
        out = {"event": step.event, "fields": {k: _value(v) for k, v in step.fields},
               "faults": [f.kind for f in step.faults]}  # fmt: skip
    elif isinstance(step, PostbackStep):
        out = {"postback": step.code, "origin": step.origin,
               "fields": {k: _value(v) for k, v in step.fields},
               "faults": [f.kind for f in step.faults]}  # fmt: skip
    elif isinstance(step, ChooseStep):
        branches = [
            {"weight": b.weight, "label": b.label, "steps": [_step(s) for s in b.steps]}
            for b in step.branches
        ]
        out = {"choose": branches}
    elif isinstance(step, WaitStep):
        out = {"wait": "moderation", "on_reject": [_step(s) for s in step.on_reject]}
    elif isinstance(step, RepeatStep):
        count = step.count_template.source if step.count_template else step.count
        interval = step.interval_template[1].source if step.interval_template else step.interval
        out = {"repeat": {"count": count, "interval": interval,
                          "steps": [_step(s) for s in step.steps]}}  # fmt: skip
    else:
        assert isinstance(step, BundleStep)
        out = {"bundle": [_step(s) for s in step.entries]}
    after = _delay(step.after)
    return {**out, "after": after} if after else out
