"""Plain-Python renderers for the commonest templates, equal to the sandboxed Jinja render.

Most values in scenarios are one lookup or one call: ``{{ fake.msisdn() }}``,
``{{ fake.tracking_id('SMS') }}``, ``{{ vars.to }}``, ``{{ i }}``, maybe with text around.
Rendering those through Jinja costs about 10 us each (a new context, the generator, the
sandbox's checks), a fifth of planning a send. :func:`direct` compiles such a template, once,
into a function that does the same lookups and calls and joins the same strings.

The function returns None where Jinja's way could differ: a name missing from the context, a
``vars.x`` that is also an attribute of the mapping, a ``fake.x`` that ``SafeFake`` refuses.
The caller then renders with Jinja, which gives the value or the error it always gave. A
generator's own exception propagates as it does from Jinja. Anything else (filters,
operators, statements, arguments other than literal scalars) is not compiled: :func:`direct`
returns None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

Piece = Callable[[Mapping[str, Any]], object]
Renderer = Callable[[Mapping[str, Any]], "str | None"]
_MISSING = object()
#: names whose ``name.attr`` is a key lookup in a mapping the planner builds
_MAPPINGS = frozenset({"vars", "ids", "run"})


@lru_cache(maxsize=4096)
def direct(environment: jinja2.Environment, source: str) -> Renderer | None:
    """A renderer for ``source``, or None when it is not one of the simple shapes."""
    try:
        tree = environment.parse(source)
    except jinja2.TemplateSyntaxError:
        return None
    pieces: list[str | Piece] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            return None
        for part in node.nodes:
            if isinstance(part, nodes.TemplateData):
                pieces.append(part.data)
                continue
            piece = _expression(part)
            if piece is None:
                return None
            pieces.append(piece)
    return _joined(tuple(pieces))


def _joined(pieces: tuple[str | Piece, ...]) -> Renderer:
    def render(context: Mapping[str, Any]) -> str | None:
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = piece(context)
            if value is _MISSING:
                return None
            out.append(str(value))
        return "".join(out)

    return render


def _expression(node: nodes.Node) -> Piece | None:
    if isinstance(node, nodes.Name) and node.ctx == "load":
        return _name(node.name)
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.node.name in _MAPPINGS
    ):
        return _key(node.node.name, node.attr)
    if isinstance(node, nodes.Call):
        return _fake_call(node)
    return None


def _name(name: str) -> Piece:
    def lookup(context: Mapping[str, Any]) -> object:
        return context.get(name, _MISSING)

    return lookup


def _key(mapping: str, key: str) -> Piece:
    def lookup(context: Mapping[str, Any]) -> object:
        found = context.get(mapping)
        if not isinstance(found, Mapping) or hasattr(found, key):
            return _MISSING  # Jinja would look for an attribute first
        return found.get(key, _MISSING)

    return lookup


def _fake_call(node: nodes.Call) -> Piece | None:
    target = node.node
    if not (
        isinstance(target, nodes.Getattr)
        and isinstance(target.node, nodes.Name)
        and target.node.name == "fake"
        and not target.attr.startswith("_")
        and node.dyn_args is None
        and node.dyn_kwargs is None
    ):
        return None
    args, kwargs = [], {}
    for arg in node.args:
        if not _constant(arg):
            return None
        args.append(arg.as_const())
    for keyword in node.kwargs:
        if not _constant(keyword.value):
            return None
        kwargs[keyword.key] = keyword.value.as_const()
    name, frozen_args = target.attr, tuple(args)

    def call(context: Mapping[str, Any]) -> object:
        fake = context.get("fake")
        if fake is None:
            return _MISSING
        try:
            method = getattr(fake, name)
        except AttributeError:
            return _MISSING  # refused by SafeFake: Jinja says why
        return method(*frozen_args, **kwargs)

    return call


def _constant(node: nodes.Node) -> bool:
    """A literal scalar (a list would be one shared object across renders: left to Jinja)."""
    return isinstance(node, nodes.Const) and isinstance(node.value, str | int | float | bool)
