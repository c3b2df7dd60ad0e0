"""A ``repeat`` step's count and interval for one run: literal, or rendered from templates
(``count: "{{ vars.count }}"``, ``rate: "{{ vars.rate }}"``) against the run's vars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.scenarios import templating
from mockserver.scenarios.errors import ScenarioError
from mockserver.scenarios.model import MAX_REPEAT, REPEAT_FIX, RepeatStep
from mockserver.scenarios.reader import RATE_FIX, every_interval, rate_interval


def repeat_shape(step: RepeatStep, context: Mapping[str, Any]) -> tuple[int, float]:
    """(count, seconds between iterations) of ``step`` in this run; ScenarioError naming the
    step's location when a rendered value cannot be read."""
    count, interval = step.count, step.interval
    if step.count_template is not None:
        text = templating.render(step.count_template.source, context, step.count_template.loc)
        try:
            count = int(str(text).strip())
        except ValueError:
            raise ScenarioError(
                f"repeat count {text!r} is not a whole number", step.count_template.loc, REPEAT_FIX
            ) from None
        if not 1 <= count <= MAX_REPEAT:
            raise ScenarioError(
                f"repeat count {count} is out of range", step.count_template.loc, REPEAT_FIX
            )
    if step.interval_template is not None:
        kind, template = step.interval_template
        text = str(templating.render(template.source, context, template.loc))
        found = rate_interval(text) if kind == "rate" else every_interval(text)
        if found is None:
            fix = RATE_FIX if kind == "rate" else "write 100ms, 1s, 2m"
            raise ScenarioError(f"repeat {kind} {text!r} cannot be read", template.loc, fix)
        interval = found
    return count, interval
