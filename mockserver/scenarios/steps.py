"""Reading a ``postback`` step: its code, fields and faults, checked against the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mockserver.scenarios import templating
from mockserver.scenarios.model import (
    FAULT_KINDS,
    NO_DELAY,
    Delay,
    Fault,
    PostbackStep,
    Template,
    Value,
)
from mockserver.scenarios.reader import Reader, did_you_mean
from mockserver.wire.catalog import CODES, PostbackType, lookup, types_for
from mockserver.wire.events import EVENTS
from mockserver.wire.quirks import QUIRKS

#: An MT scenario may hold an SMS MO: the handset answering the message (sms-reply).
_KIND_ORIGINS = {"mt": ("SMS_MT", "MMS_MT", "SMS_MO"), "mo": ("SMS_MO", "MMS_MO")}
_LIST_FIELDS = frozenset({"CONTENT"})


@dataclass(frozen=True)
class Context:
    r: Reader
    kind: str
    mms: bool  # the file has MMS codes: N202/E202 default to MMS_MT


def read_value(r: Reader, node: Node, what: str, *, allow_list: bool) -> Value | None:
    """One template, or (``allow_list``) a list of templates; syntax is checked now."""
    if isinstance(node, SequenceNode) and allow_list:
        items = [_template(r, item, f"{what}[{i}]") for i, item in enumerate(node.value)]
        return tuple(t for t in items if t is not None)
    return _template(r, node, what)


def _template(r: Reader, node: Node, what: str) -> Template | None:
    text = r.text(node, what)
    if text is None:
        return None
    loc = r.loc(node)
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        loc = loc.shifted(1)  # a block scalar's text starts on the next line
    problem = templating.check_syntax(text, loc)
    if problem is not None:
        r.errors.append(problem)
    return Template(text, loc)


def read_postback(
    ctx: Context,
    node: Node,
    found: dict[str, tuple[Node, Node]],
    after: Delay,
    *,
    top_level_faults: bool,
) -> PostbackStep | None:
    fields_node = found["fields"][1] if "fields" in found else None
    ptype = _resolve(ctx, found["postback"][1], _origin_in(fields_node))
    if ptype is None:
        return None
    fields = _fields(ctx.r, fields_node, ptype) if fields_node is not None else ()
    faults = _faults(ctx.r, found["faults"][1]) if "faults" in found else ()
    return PostbackStep(ptype.code, ptype.origin, fields, after, faults, ctx.r.loc(node))


def read_event(
    ctx: Context, node: Node, found: dict[str, tuple[Node, Node]], after: Delay
) -> PostbackStep | None:
    """``event: NAME``: the code is chosen per run by the revision and flavour."""
    name_node = found["event"][1]
    name = ctx.r.text(name_node, "event")
    if name is None:
        return None
    event = EVENTS.get(name)
    if event is None:
        ctx.r.error(
            name_node, f"unknown event {name!r}", did_you_mean(name, EVENTS, label="events")
        )
        return None
    writings = list(event.forms.values())
    first = event.forms.get("sky-a", writings[0])
    if first.origin not in _KIND_ORIGINS[ctx.kind]:
        other = "mo" if ctx.kind == "mt" else "mt"
        ctx.r.error(name_node, f"{name} is an {first.origin} event in a kind: {ctx.kind} scenario",
                    f"set kind: {other}")  # fmt: skip
        return None
    types = [lookup(w.code, w.origin) for w in writings]
    fields: tuple[tuple[str, Value], ...] = ()
    if "fields" in found:
        fields = _event_fields(ctx.r, found["fields"][1], name, types)
    faults = _faults(ctx.r, found["faults"][1]) if "faults" in found else ()
    return PostbackStep(first.code, first.origin, fields, after, faults, ctx.r.loc(node), name)


def _event_fields(
    r: Reader, node: Node, name: str, types: list[PostbackType]
) -> tuple[tuple[str, Value], ...]:
    known = sorted({n for t in types for n in t.all_names()} - {"STATUS"})
    if isinstance(node, MappingNode):
        for key, _value in node.value:
            if key.value == "STATUS":
                what = f"event {name} sets STATUS itself (it is how the event is written)"
                r.error(key, what, "drop STATUS, or write the step as `postback: CODE`")
    found = r.mapping(node, f"fields of event {name}", ["STATUS", *known])
    out: list[tuple[str, Value]] = []
    for field, (_key, value) in (found or {}).items():
        if field == "STATUS":
            continue
        if field in _LIST_FIELDS and not isinstance(value, SequenceNode):
            r.error(value, f"{field} must be a list of file URLs", f"write {field}: [url1, url2]")
            continue
        parsed = read_value(r, value, field, allow_list=field in _LIST_FIELDS)
        if parsed is not None:
            out.append((field, parsed))
    return tuple(out)


def _origin_in(fields: Node | None) -> str | None:
    if isinstance(fields, MappingNode):
        for key, value in fields.value:
            if key.value == "ORIGIN" and isinstance(value, ScalarNode):
                return str(value.value)
    return None


def _resolve(ctx: Context, node: Node, field_origin: str | None) -> PostbackType | None:
    raw = ctx.r.text(node, "postback")
    if raw is None:
        return None
    prefix, _, code = raw.rpartition("/")
    origin = (prefix or field_origin or "").upper() or None
    found = types_for(code)
    if not found:
        ctx.r.error(node, f"unknown code {code}", _suggest_code(code.upper()))
        return None
    if origin is not None:
        matching = [t for t in found if t.origin == origin]
        if not matching:
            where = ", ".join(t.origin for t in found)
            ctx.r.error(
                node, f"{code} does not exist under origin {origin}", f"it exists under {where}"
            )
            return None
        found = tuple(matching)
    allowed = _KIND_ORIGINS[ctx.kind]
    in_kind = [t for t in found if t.origin in allowed]
    if not in_kind:
        other = "mo" if ctx.kind == "mt" else "mt"
        what = f"{code} is an {found[0].origin} postback in a kind: {ctx.kind} scenario"
        ctx.r.error(node, what, f"set kind: {other} or use an {ctx.kind.upper()} code")
        return None
    if len(in_kind) > 1:
        prefer = "MMS_MT" if ctx.mms else "SMS_MT"
        in_kind = [t for t in in_kind if t.origin == prefer] or in_kind
    return in_kind[0]


def _suggest_code(code: str) -> str:
    """The nearest code of the same family (N1xx, E2xx, ...), preferring codes that exist in
    the XML flavours (N104 -> N102, not the JSON-only N103)."""
    family = [c for c in CODES if len(code) == 4 and c[:2] == code[:2] and code[1:].isdigit()]
    if not family:
        return did_you_mean(code, CODES, label="known codes")

    def rank(candidate: str) -> tuple[bool, int, int]:
        xml = "skycore-xml" in types_for(candidate)[0].layouts
        return (not xml, abs(int(candidate[1:]) - int(code[1:])), int(candidate[1:]))

    return f"did you mean {min(family, key=rank)}?"


def _fields(r: Reader, node: Node, ptype: PostbackType) -> tuple[tuple[str, Value], ...]:
    allowed = ["ORIGIN", *sorted(ptype.all_names())]
    found = r.mapping(node, f"fields of {ptype.key}", allowed)
    out: list[tuple[str, Value]] = []
    for name, (_key, value) in (found or {}).items():
        if name == "ORIGIN":
            continue  # used to pick the origin (see _resolve)
        if name in _LIST_FIELDS and not isinstance(value, SequenceNode):
            r.error(value, f"{name} must be a list of file URLs", f"write {name}: [url1, url2]")
            continue
        parsed = read_value(r, value, name, allow_list=name in _LIST_FIELDS)
        if parsed is None:
            continue
        if name == "STATUS" and isinstance(parsed, Template):
            _check_status(r, value, parsed.source, ptype)
        out.append((name, parsed))
    return tuple(out)


def _check_status(r: Reader, node: Node, status: str, ptype: PostbackType) -> None:
    if "{" in status or not ptype.statuses or status in ptype.statuses:
        return
    hint = did_you_mean(status, ptype.statuses, label="documented statuses")
    r.error(node, f"status {status!r} is not documented for {ptype.key}", hint)


def _faults(r: Reader, node: Node) -> tuple[Fault, ...]:
    items = r.sequence(node, "faults") or []
    faults = [f for f in (_fault(r, item) for item in items) if f is not None]
    return tuple(faults)


def _fault(r: Reader, node: Node) -> Fault | None:
    known = [*FAULT_KINDS, *QUIRKS]
    if isinstance(node, MappingNode):
        keys = r.mapping(node, "a fault", ("delay", "duplicate"))
        if not keys or len(keys) != 1:
            if keys is not None and len(keys) > 1:
                r.error(node, "one fault per list item", "split it into two items")
            return None
        kind, (_key, value) = next(iter(keys.items()))
        delay = r.delay(value, kind)
        return Fault(kind, delay) if delay is not None else None
    name = r.text(node, "fault")
    if name is None:
        return None
    if name == "delay":
        r.error(node, "delay needs a duration", "write `- delay: 5m`")
        return None
    if name in FAULT_KINDS:
        return Fault(name, Delay(1.0, 1.0) if name == "duplicate" else NO_DELAY)
    if name in QUIRKS:
        return Fault(name, quirk=True)
    if name == "sky-a-failure-codes":
        r.error(node, "the fault sky-a-failure-codes is gone: sky-a is now a revision",
                "write the step as an event (e.g. `event: mms.expired`); the default revision "
                "sky-a writes it as N102")  # fmt: skip
        return None
    r.error(node, f"unknown fault {name!r}", did_you_mean(name, known, label="faults"))
    return None
