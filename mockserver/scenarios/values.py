"""Rendering var and field values for one run (templates, or a run's literal overrides)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.scenarios import templating
from mockserver.scenarios.errors import ScenarioError
from mockserver.scenarios.model import Scenario, Template, Value
from mockserver.wire.model import FieldValue


def render_vars(
    scenario: Scenario, overrides: Mapping[str, FieldValue], context: Mapping[str, Any]
) -> dict[str, FieldValue]:
    """Each var in file order (seeing the ones before it); a run's values replace defaults
    and are taken literally (not rendered)."""
    unknown = [name for name in overrides if name not in scenario.var_names]
    if unknown:
        known = ", ".join(scenario.var_names) or "none"
        raise ScenarioError(
            f"scenario {scenario.name!r} has no var {unknown[0]!r}", fix=f"its vars: {known}"
        )
    out: dict[str, FieldValue] = {}
    return render_into(scenario.vars, overrides, context, out)


def render_into(
    items: tuple[tuple[str, Value], ...],
    overrides: Mapping[str, FieldValue],
    context: Mapping[str, Any],
    out: dict[str, FieldValue],
) -> dict[str, FieldValue]:
    scope = {**context, "vars": out}
    for name, value in items:
        if name in overrides:
            out[name] = _literal(name, overrides[name])
        else:
            out[name] = render_value(value, scope)
    return out


def render_value(value: Value, context: Mapping[str, Any]) -> FieldValue:
    if isinstance(value, Template):
        return templating.render(value.source, context, value.loc)
    return [templating.render(t.source, context, t.loc) for t in value]


def _literal(name: str, value: object) -> FieldValue:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    raise ScenarioError(
        f"var {name!r}: {value!r} is not text or a list of text", fix='pass e.g. "15551234567"'
    )
