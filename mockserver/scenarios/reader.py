"""Reading YAML through its node tree, so that every value keeps its line and column.

The :class:`Reader` collects errors instead of raising at the first one; each names the file,
the line and column of the offending node, what is wrong and the likely fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mockserver.scenarios.errors import Loc, ScenarioError
from mockserver.scenarios.model import Delay

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|h)\s*$")


def did_you_mean(word: str, choices: Iterable[str], *, label: str = "known") -> str:
    """``did you mean X?`` when something is close, else the list of choices."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]}?"
    return f"{label}: {', '.join(options)}"


class Reader:
    """Typed access to the nodes of one file; problems are appended to :attr:`errors`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ScenarioError] = []

    def loc(self, node: Node) -> Loc:
        return Loc(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: Node, what: str, fix: str = "") -> None:
        self.errors.append(ScenarioError(what, self.loc(node), fix))

    def compose(self, text: str) -> Node | None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            loc = Loc(self.file, mark.line + 1, mark.column + 1) if mark else Loc(self.file, 1, 1)
            what = f"YAML syntax error: {exc.problem or exc.context}"
            self.errors.append(ScenarioError(what, loc, "check indentation, colons and quotes"))
            return None
        if node is None:
            self.errors.append(
                ScenarioError("empty file", Loc(self.file, 1, 1), "a scenario needs name, steps")
            )
        return node

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: Sequence[str] | None,
        required: Sequence[str] = (),
    ) -> dict[str, tuple[Node, Node]] | None:
        """Keys -> (key node, value node); unknown, duplicate and missing keys are errors."""
        if not isinstance(node, MappingNode):
            keys = f"keys: {', '.join(allowed)}" if allowed else "write name: value lines"
            self.error(node, f"{what} must be a mapping", keys)
            return None
        found: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else str(key.value)
            if name in found:
                self.error(key, f"duplicate key {name!r} in {what}", "keep only one")
            elif allowed is not None and name not in allowed:
                hint = did_you_mean(name, allowed, label="allowed keys")
                self.error(key, f"unknown key {name!r} in {what}", hint)
            else:
                found[name] = (key, value)
        for name in required:
            if name not in found:
                self.error(node, f"{what} lacks required key {name!r}", f"add `{name}:`")
        return found

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list (lines starting with '- ')")
            return None
        return list(node.value)

    def text(self, node: Node, what: str) -> str | None:
        """A string scalar; numbers keep their written form; null and booleans are errors."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be a single value, not a list or mapping")
            return None
        if node.tag == _NULL:
            self.error(node, f"{what} is empty", 'give a value (use "" for an empty string)')
            return None
        if node.tag == _BOOL:
            self.error(
                node, f"{what}: {node.value} reads as a boolean", f'quote it: "{node.value}"'
            )
            return None
        return str(node.value)

    def number(self, node: Node, what: str, *, integer: bool = False) -> float | None:
        tags = (_INT,) if integer else (_INT, _FLOAT)
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            kind = "a whole number" if integer else "a number"
            self.error(node, f"{what} must be {kind}", f"e.g. {what}: 3")
            return None
        value = yaml.constructor.SafeConstructor().construct_object(node)
        return float(value)

    def delay(self, node: Node, what: str = "after") -> Delay | None:
        raw = self.text(node, what)
        if raw is None:
            return None
        low_s, sep, high_s = raw.partition("..")
        low, high = _seconds(low_s), _seconds(high_s if sep else low_s)
        if low is None or high is None:
            self.error(
                node,
                f"{what}: cannot read {raw!r} as a delay",
                "write 5s, 500ms, 2m, 1h or 2s..30s",
            )
            return None
        if high < low:
            self.error(
                node, f"{what}: range {raw!r} ends before it starts", f"write {high_s}..{low_s}"
            )
            return None
        return Delay(low, high)

    def rate(self, node: Node) -> float | None:
        """``10/s`` -> the interval between iterations, in seconds (``max``: 0)."""
        raw = self.text(node, "rate")
        if raw is None:
            return None
        interval = rate_interval(raw)
        if interval is None:
            self.error(node, f"rate: cannot read {raw!r}", RATE_FIX)
        return interval


RATE_FIX = "write a count per unit: 10/s, 100/m, 5/h, or max (as fast as the receiver takes them)"


def rate_interval(raw: str) -> float | None:
    """``10/s`` -> 0.1 s between iterations; ``max`` -> 0 (all due at once, sent as fast as
    the receiver answers); None if unreadable."""
    if raw.strip() == "max":
        return 0.0
    match = _RATE.match(raw)
    if not match or float(match[1]) <= 0:
        return None
    return _UNITS[match[2]] / float(match[1])


def every_interval(raw: str) -> float | None:
    """``100ms`` -> 0.1 s between iterations; None if unreadable."""
    return _seconds(raw)


def _seconds(text: str) -> float | None:
    match = _DURATION.match(text)
    if not match:
        return None
    return float(match[1]) * _UNITS[match[2]]
