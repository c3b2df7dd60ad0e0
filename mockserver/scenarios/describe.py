"""A scenario as JSON: what the control API and the UI list (pure)."""

from __future__ import annotations

from typing import Any

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
