"""The platform's scenario operations: list, start a run, and read runs back from the store.

A run's plan summary is kept in the ``runs`` table, so ``GET /runs/{id}`` still answers after
a restart; the states of its postbacks always come from the delivery log. A run's own
moderation holds (several ``wait`` steps, or ``on_reject`` steps) are kept in memory only.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mockserver.runs import Run, forget_run, new_run, runs_of, store_run
from mockserver.scenarios.describe import describe
from mockserver.scenarios.library import Library, default_library
from mockserver.scenarios.model import supported_forms

if TYPE_CHECKING:
    from mockserver.platform import MockPlatform


class ScenarioService:
    def __init__(self, platform: MockPlatform) -> None:
        self.platform = platform

    @property
    def library(self) -> Library:
        return default_library(tuple(self.platform.settings.scenarios))

    def supports(self, name: str, flavor: str, revision: str) -> bool:
        library = self.library
        if name not in library:
            return False
        form = revision if flavor == "skycore-xml" else flavor
        return form in supported_forms(library.get(name))

    def describe_all(self) -> list[dict[str, Any]]:
        return [describe(s) for s in self.library]

    def start(self, name: str, **options: Any) -> dict[str, Any]:
        run = self.plan(name, **options)
        try:
            with self.platform.store.transaction():
                summary = self.store(run)
        except BaseException:
            forget_run(self.platform, run)
            raise
        self.started(run)
        return summary

    def plan(self, name: str, **options: Any) -> Run:
        """A planned run, not stored yet (``store``, then ``started``)."""
        return new_run(self.platform, name, library=self.library, **options)

    def store(self, run: Run, *, announce: bool = True) -> dict[str, Any]:
        """Store a planned run (its postbacks and its ``runs`` row); returns its summary.
        ``announce=False``: the caller announces ``run.pending`` once committed."""
        store_run(self.platform, run, announce=announce)
        summary = run.to_dict()
        with self.platform.store.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, scenario, created, state, data) VALUES (?, ?, ?, ?, ?)",
                (run.id, run.plan.scenario, self.platform.now(), "started", json.dumps(summary)),
            )
        return summary

    def started(self, run: Run) -> None:
        """Tell the subscribers (once the run is committed)."""
        self.platform.publish(
            {"type": "run.started", "run_id": run.id, "scenario": run.plan.scenario}
        )

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
