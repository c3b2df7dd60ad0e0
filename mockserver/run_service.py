"""The platform's scenario operations: list, start a run, and read runs back from the store.

A run's plan summary is kept in the ``runs`` table, so ``GET /runs/{id}`` still answers after
a restart; the states of its postbacks always come from the delivery log. A run's own
moderation holds (several ``wait`` steps, or ``on_reject`` steps) are kept in memory only.

``check_scenario_settings`` is what the settings' own checks (``config.validate``, pure) cannot
know: that the ``scenarios`` folders load, and that the scenarios and branches the send API's
``api_routes`` and ``api_defaults`` name exist. The platform runs it when it starts and when
one of those settings changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mockserver.api_rules import parse_defaults, parse_rules
from mockserver.config import ConfigError, Settings
from mockserver.runs import Run, forget_run, new_run, runs_of, store_run
from mockserver.scenarios.describe import describe
from mockserver.scenarios.errors import ScenarioValidationError
from mockserver.scenarios.library import Library, default_library
from mockserver.scenarios.model import supported_forms
from mockserver.scenarios.reader import did_you_mean

if TYPE_CHECKING:
    from mockserver.platform import MockPlatform

#: The settings whose change needs ``check_scenario_settings`` again.
SCENARIO_SETTINGS = frozenset({"scenarios", "api_routes", "api_defaults"})


def check_scenario_settings(settings: Settings) -> None:
    """ConfigError when a ``scenarios`` folder does not load (every problem, with its file and
    line), or a routing rule or default of the send API names a scenario or branch that does
    not exist. A named scenario that cannot be written in the flavour or revision of the
    moment is not refused: those change live, and the call log says why no run started."""
    if not (settings.scenarios or settings.api_routes or settings.api_defaults):
        return  # the built-ins alone, nothing named: nothing to load yet
    try:
        library = default_library(tuple(settings.scenarios))
    except ScenarioValidationError as exc:
        folders = " ".join(settings.scenarios)
        raise ConfigError(
            "scenarios", f"{exc}\n(check them with: mockserver validate {folders})"
        ) from None
    for rule in parse_rules(settings.api_routes):
        if rule.outcome.scenario is not None:
            _named(library, "api_routes", f"rule {rule.index}", rule.outcome.scenario,
                   rule.outcome.pins)  # fmt: skip
    for action, name in parse_defaults(settings.api_defaults).items():
        _named(library, "api_defaults", action, name, ())


def _named(library: Library, setting: str, where: str, name: str, pins: Sequence[str]) -> None:
    if name not in library:
        hint = did_you_mean(name, library.names(), label="the scenarios are")
        raise ConfigError(
            setting,
            f"{where}: no scenario is named {name!r} (built-in or in a scenarios folder); {hint}",
        )
    labels = library.get(name).labels()
    for pin in pins:
        if pin not in labels:
            known = ", ".join(labels) or "none"
            raise ConfigError(
                setting, f"{where}: {name} has no branch labelled {pin!r}; its branches: {known}"
            )


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
