"""Load and validate a scenario file (DESIGN.md section 5) into a :class:`Scenario`.

All problems of a file are reported together (:class:`ScenarioValidationError`), each with
file:line:col, what is wrong and the likely fix. Unknown keys are errors.
"""

from __future__ import annotations

import re
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mockserver.scenarios.errors import ScenarioValidationError
from mockserver.scenarios.model import (
    MAX_REPEAT,
    NO_DELAY,
    REPEAT_FIX,
    Branch,
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
)
from mockserver.scenarios.reader import Reader
from mockserver.scenarios.steps import Context, read_event, read_postback, read_value

_TOP = ("name", "description", "kind", "vars", "steps")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VAR = re.compile(r"^[a-z_][a-z0-9_]*$")
_ACTIONS = ("postback", "event", "choose", "wait", "repeat", "bundle")
_STEP_KEYS = {
    "postback": ("postback", "fields", "after", "faults"),
    "event": ("event", "fields", "after", "faults"),
    "choose": ("choose", "after"),
    "wait": ("wait", "on_reject", "after"),
    "repeat": ("repeat", "after"),
    "bundle": ("bundle", "first_id", "after"),
}


def load_file(path: str | Path) -> Scenario:
    path = Path(path)
    return loads(path.read_text(encoding="utf-8"), str(path))


def loads(text: str, file: str = "<string>") -> Scenario:
    """Parse and validate one scenario; raise ScenarioValidationError with every problem."""
    reader = Reader(file)
    root = reader.compose(text)
    scenario = _scenario(reader, root) if root is not None else None
    if reader.errors or scenario is None:
        raise ScenarioValidationError(reader.errors)
    from mockserver.scenarios.check import problems  # it needs the planner's tables

    found = problems(scenario)
    if found:
        raise ScenarioValidationError(found)
    return scenario


def _scenario(r: Reader, root: Node) -> Scenario | None:
    top = r.mapping(root, "the scenario", _TOP, ("name", "description", "kind", "steps"))
    if top is None:
        return None
    name = _name(r, top["name"][1]) if "name" in top else ""
    description = r.text(top["description"][1], "description") if "description" in top else ""
    kind = _kind(r, top["kind"][1]) if "kind" in top else "mt"
    ctx = Context(r, kind, _mms_context(root))
    variables = _vars(r, top["vars"][1]) if "vars" in top else ()
    steps = _steps(ctx, top["steps"][1], top_level=True) if "steps" in top else ()
    return Scenario(name or "", description or "", kind, variables, steps, r.file, r.loc(root))


def _name(r: Reader, node: Node) -> str | None:
    name = r.text(node, "name")
    if name is not None and not _NAME.match(name):
        r.error(node, f"name {name!r} is not a slug", "use lowercase letters, digits and dashes")
    return name


def _kind(r: Reader, node: Node) -> str:
    kind = r.text(node, "kind")
    if kind not in ("mt", "mo"):
        if kind is not None:
            r.error(node, f"kind {kind!r} is not mt or mo", "mt: sent by the app; mo: received")
        return "mt"
    return kind


def _vars(r: Reader, node: Node) -> tuple[tuple[str, Value], ...]:
    found = r.mapping(node, "vars", None)
    out: list[tuple[str, Value]] = []
    for name, (key, value) in (found or {}).items():
        if not _VAR.match(name):
            r.error(key, f"var name {name!r} is not usable in templates", "use lower_snake_case")
            continue
        parsed = read_value(r, value, f"vars.{name}", allow_list=True)
        if parsed is not None:
            out.append((name, parsed))
    return tuple(out)


def _steps(ctx: Context, node: Node, *, top_level: bool = False) -> tuple[Step, ...]:
    items = ctx.r.sequence(node, "steps")
    if items is None:
        return ()
    if not items:
        ctx.r.error(node, "steps is empty", "add at least one `- postback: CODE`")
    steps = [s for s in (_step(ctx, item) for item in items) if s is not None]
    last = steps[-1] if steps else None
    if (
        top_level
        and isinstance(last, PostbackStep)
        and any(f.kind == "reorder" for f in last.faults)
    ):
        what = "reorder on the last step has nothing to swap with"
        ctx.r.error(items[-1], what, "move it to an earlier step")
    return tuple(steps)


def _step(ctx: Context, node: Node) -> Step | None:
    if not isinstance(node, MappingNode):
        ctx.r.error(
            node, "a step must be a mapping", f"start it with one of: {', '.join(_ACTIONS)}"
        )
        return None
    keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
    actions = [k for k in keys if k in _ACTIONS]
    if len(actions) != 1:
        what = "a step needs one of" if not actions else f"a step has {len(actions)} actions of"
        ctx.r.error(node, f"{what} {', '.join(_ACTIONS)}", "split it into one step per action")
        return None
    action = actions[0]
    found = ctx.r.mapping(node, f"a {action} step", _STEP_KEYS[action])
    if found is None:
        return None
    after = _after(ctx.r, found)
    if action == "postback":
        return read_postback(ctx, node, found, after, top_level_faults=True)
    if action == "event":
        return read_event(ctx, node, found, after)
    readers = {"choose": _choose, "wait": _wait, "repeat": _repeat, "bundle": _bundle}
    return readers[action](ctx, node, found, after)


def _after(r: Reader, found: dict[str, tuple[Node, Node]]) -> Delay:
    if "after" not in found:
        return NO_DELAY
    return r.delay(found["after"][1]) or NO_DELAY


def _choose(
    ctx: Context, node: Node, found: dict[str, tuple[Node, Node]], after: Delay
) -> Step | None:
    items = ctx.r.sequence(found["choose"][1], "choose")
    if items is None:
        return None
    if len(items) < 2:
        ctx.r.error(
            found["choose"][1], "choose needs at least two branches", "add `- weight: N` branches"
        )
    branches: list[Branch] = []
    for i, item in enumerate(items):
        keys = ctx.r.mapping(
            item, "a choose branch", ("weight", "label", "steps"), ("weight", "steps")
        )
        if not keys or "weight" not in keys or "steps" not in keys:
            continue
        weight = ctx.r.number(keys["weight"][1], "weight")
        if weight is not None and weight <= 0:
            ctx.r.error(
                keys["weight"][1], "weight must be more than zero", "drop the branch instead"
            )
        label = ctx.r.text(keys["label"][1], "label") if "label" in keys else None
        steps = _steps(ctx, keys["steps"][1])
        branches.append(Branch(weight or 1.0, steps, label or f"branch {i + 1}"))
    return ChooseStep(tuple(branches), after, ctx.r.loc(node))


def _wait(
    ctx: Context, node: Node, found: dict[str, tuple[Node, Node]], after: Delay
) -> Step | None:
    what = ctx.r.text(found["wait"][1], "wait")
    if what is not None and what != "moderation":
        ctx.r.error(
            found["wait"][1], f"unknown wait {what!r}", "the only wait is `wait: moderation`"
        )
    if ctx.kind != "mo":
        ctx.r.error(found["wait"][1], "wait: moderation holds MMS MO only", "set kind: mo")
    on_reject: tuple[Step, ...] = ()
    if "on_reject" in found:
        value = found["on_reject"][1]
        if isinstance(value, SequenceNode):
            on_reject = _steps(ctx, value)
        elif ctx.r.text(value, "on_reject") not in ("stop", None):
            ctx.r.error(
                value, "on_reject must be `stop` or a list of steps", "e.g. on_reject: stop"
            )
    return WaitStep(on_reject, after, ctx.r.loc(node))


def _repeat(
    ctx: Context, node: Node, found: dict[str, tuple[Node, Node]], after: Delay
) -> Step | None:
    allowed = ("count", "rate", "every", "vars", "steps")
    keys = ctx.r.mapping(found["repeat"][1], "repeat", allowed, ("count", "steps"))
    if keys is None or "count" not in keys or "steps" not in keys:
        return None
    count_template = _templated(ctx.r, keys["count"][1], "count")
    count = None if count_template else ctx.r.number(keys["count"][1], "count", integer=True)
    if count is not None and not 1 <= count <= MAX_REPEAT:
        ctx.r.error(keys["count"][1], f"count {int(count)} is out of range", REPEAT_FIX)
    interval, interval_template = _interval(ctx.r, found["repeat"][1], keys)
    variables = _vars(ctx.r, keys["vars"][1]) if "vars" in keys else ()
    steps = _steps(ctx, keys["steps"][1])
    return RepeatStep(int(count or 1), interval, variables, steps, after, ctx.r.loc(node),
                      count_template, interval_template)  # fmt: skip


def _templated(r: Reader, node: Node, what: str) -> Template | None:
    """A repeat value written as a template (``"{{ vars.count }}"``), rendered per run."""
    if isinstance(node, ScalarNode) and "{" in str(node.value):
        parsed = read_value(r, node, what, allow_list=False)
        return parsed if isinstance(parsed, Template) else None
    return None


def _interval(
    r: Reader, node: Node, keys: dict[str, tuple[Node, Node]]
) -> tuple[float, tuple[str, Template] | None]:
    if ("rate" in keys) == ("every" in keys):
        r.error(
            node, "repeat needs exactly one of rate or every", "e.g. rate: 10/s or every: 100ms"
        )
        return 0.0, None
    kind = "rate" if "rate" in keys else "every"
    template = _templated(r, keys[kind][1], kind)
    if template is not None:
        return 0.0, (kind, template)
    if kind == "rate":
        return r.rate(keys["rate"][1]) or 0.0, None
    delay = r.delay(keys["every"][1], "every")
    return (delay.low if delay else 0.0), None


def _bundle(
    ctx: Context, node: Node, found: dict[str, tuple[Node, Node]], after: Delay
) -> Step | None:
    items = ctx.r.sequence(found["bundle"][1], "bundle") or []
    entries = []
    for item in items:
        keys = ctx.r.mapping(item, "a bundle entry", ("postback", "event", "fields"))
        if not keys:
            continue
        if ("postback" in keys) == ("event" in keys):
            ctx.r.error(
                item,
                "a bundle entry needs one of postback or event",
                "e.g. - event: sms_mo.received",
            )
            continue
        if "postback" in keys:
            entry = read_postback(ctx, item, keys, NO_DELAY, top_level_faults=False)
        else:
            entry = read_event(ctx, item, keys, NO_DELAY)
        if entry is not None:
            entries.append(entry)
    if not items:
        ctx.r.error(found["bundle"][1], "bundle is empty", "list the notifications it carries")
    first_id = None
    if "first_id" in found:
        parsed = read_value(ctx.r, found["first_id"][1], "first_id", allow_list=False)
        first_id = parsed if isinstance(parsed, Template) else None
    return BundleStep(tuple(entries), after, ctx.r.loc(node), first_id)


def _mms_context(root: Node) -> bool:
    """Whether the file mentions an MMS code (then N202/E202 default to origin MMS_MT)."""
    from mockserver.wire.catalog import types_for

    for value in _postback_values(root):
        found = types_for(value.rpartition("/")[2])
        if value.startswith("MMS_") or (len(found) == 1 and found[0].origin.startswith("MMS")):
            return True
    return False


def _postback_values(node: Node) -> list[str]:
    out: list[str] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if key.value == "postback" and isinstance(value, ScalarNode):
                out.append(str(value.value))
            else:
                out.extend(_postback_values(value))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            out.extend(_postback_values(item))
    return out
