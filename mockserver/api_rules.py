"""What happens to a platform API request: magic recipient numbers, routing rules, faults.

Pure (no store, no clock): the settings hold the rules as plain data (TOML tables, JSON); this
module checks them (:func:`parse_rules`, used by ``config.validate``) and picks the outcome of a
request (:func:`magic_outcome`, :func:`match_rule`). The send service acts on the outcome.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockserver.wire.api_codes import API_ERRORS
from mockserver.wire.api_model import ACTIONS, canonical_action

#: Faults on the API itself (not on the postbacks): what the reply does.
HTTP_FAULTS = ("http-500", "http-503", "http-429", "slow", "timeout", "drop")
#: Actions that send an SMS (their magic outcomes use the SMS scenarios).
SMS_ACTIONS = ("sendSMS",)
#: Actions that send an MMS to a number.
MMS_SENDS = ("sendMMS", "sendSavedMMS", "sendMMSBarcode", "sendSavedMMSCampaign")
#: Rule keys and what they match.
RULE_KEYS = ("action", "to", "from", "carrier", "content", "scenario", "vars", "pin", "fault",
             "retry_after", "delay", "probability")  # fmt: skip


class RuleError(ValueError):
    """A routing rule the simulator cannot use; the message names the rule and the fix."""


@dataclass(frozen=True)
class Fault:
    """A fault on the API reply: ``kind`` is an API error code (``E713``) or one of
    :data:`HTTP_FAULTS`; ``retry_after`` (429) and ``delay`` (slow) in seconds."""

    kind: str
    retry_after: int = 1
    delay: float = 5.0

    @property
    def is_error_code(self) -> bool:
        return self.kind not in HTTP_FAULTS


@dataclass(frozen=True)
class Outcome:
    """What a request leads to: a scenario to run (with extra vars and pinned branches), or a
    fault; ``source`` says why (``magic 0001``, ``rule 2``, ``default``)."""

    scenario: str | None = None
    vars: Mapping[str, str] = field(default_factory=dict)
    pins: tuple[str, ...] = ()
    fault: Fault | None = None
    source: str = "default"
    probability: float = 1.0


@dataclass(frozen=True)
class Magic:
    """One row of the magic-number table: the outcome per kind of send."""

    what: str
    sms: tuple[str, tuple[str, ...]] | None = None  # (scenario, pins) for sendSMS
    mms: tuple[str, tuple[str, ...]] | None = None  # for the MMS sends
    vars: Mapping[str, str] = field(default_factory=dict)
    fault: Fault | None = None


#: A TO ending in one of these four digits gets this outcome (docs/api.md has the table).
MAGIC_NUMBERS: dict[str, Magic] = {
    "0000": Magic("delivered", ("sms-delivered", ()), ("mms-binary-delivered", ())),
    "0001": Magic("rejected / not delivered", ("sms-not-delivered", ("failed",)),
                  ("mms-binary-rejected", ())),
    "0002": Magic("expires", ("sms-not-delivered", ("expired",)), ("mms-binary-expired", ())),
    "0003": Magic("degrades to xHTML (an SMS link)", ("sms-delivered", ()),
                  ("mms-degraded-to-xhtml", ())),
    "0004": Magic("fails to send", ("sms-failed", ()), ("mms-send-failed", ())),
    "0005": Magic("delivered after an hour", ("sms-delivered-late", ()),
                  ("mms-delivered-late", ())),
    "0006": Magic("delivered, then the handset replies STOP", ("sms-reply", ()),
                  ("mms-reply", ()), {"reply": "STOP"}),
    "0007": Magic("delivered, then the handset replies YES", ("sms-reply", ()),
                  ("mms-reply", ()), {"reply": "YES"}),
    "0008": Magic("delivered, then the handset replies HELP", ("sms-reply", ()),
                  ("mms-reply", ()), {"reply": "HELP"}),
    "0114": Magic("API error E114 (number blacklisted)", fault=Fault("E114")),
    "0202": Magic("slow reply (5 s), then accepted and delivered", ("sms-delivered", ()),
                  ("mms-binary-delivered", ()), fault=Fault("slow", delay=5.0)),
    "0408": Magic("no reply: the request times out", fault=Fault("timeout")),
    "0429": Magic("HTTP 429 with Retry-After: 1", fault=Fault("http-429", retry_after=1)),
    "0444": Magic("dropped connection (closed without a reply)", fault=Fault("drop")),
    "0500": Magic("HTTP 500", fault=Fault("http-500")),
    "0503": Magic("HTTP 503", fault=Fault("http-503")),
    "0628": Magic("API error E628 (operator not supported)", fault=Fault("E628")),
    "0713": Magic("API error E713 (billing problem)", fault=Fault("E713")),
    "0715": Magic("API error E715 (number not subscribed)", fault=Fault("E715")),
}  # fmt: skip


def magic_outcome(action: str, to: str | None) -> Outcome | None:
    """The outcome a magic TO number asks for (the first recipient's last four digits)."""
    if not to:
        return None
    first = to.split(",")[0].strip()
    magic = MAGIC_NUMBERS.get(first[-4:]) if len(first) >= 4 else None
    if magic is None:
        return None
    source = f"magic number ...{first[-4:]}"
    pick = magic.sms if action in SMS_ACTIONS else magic.mms if action in MMS_SENDS else None
    if pick is None and magic.fault is None:
        return None
    scenario, pins = pick or (None, ())
    return Outcome(scenario, dict(magic.vars), pins, magic.fault, source)


@dataclass(frozen=True)
class Rule:
    """One routing rule, checked: patterns are globs, or regexes after ``re:``."""

    index: int
    action: str | None
    patterns: Mapping[str, re.Pattern[str]]
    outcome: Outcome

    def matches(self, action: str, values: Mapping[str, Sequence[str]]) -> bool:
        if self.action is not None and self.action != action:
            return False
        for key, pattern in self.patterns.items():
            if not any(pattern.fullmatch(v) for v in values.get(key, ())):
                return False
        return True


def match_rule(
    rules: Sequence[Rule], action: str, values: Mapping[str, Sequence[str]]
) -> Rule | None:
    """The first rule matching ``action`` and ``values`` (``to``, ``from``, ``carrier``,
    ``content``: each key's candidate strings; a rule pattern must match one of them)."""
    return next((r for r in rules if r.matches(action, values)), None)


def parse_rules(raw: object) -> tuple[Rule, ...]:
    """Check the ``api_routes`` setting; RuleError names the rule, the key and the fix."""
    if not isinstance(raw, list | tuple):
        raise RuleError("must be a list of rules, e.g. [{to = '*0099', scenario = 'sms-failed'}]")
    return tuple(_rule(i, item) for i, item in enumerate(raw, 1))


def _rule(index: int, item: object) -> Rule:
    where = f"rule {index}"
    if not isinstance(item, Mapping):
        raise RuleError(f"{where} is not a table/object: {item!r}")
    unknown = sorted(set(item) - set(RULE_KEYS))
    if unknown:
        raise RuleError(f"{where}: unknown key {unknown[0]!r}; known: {', '.join(RULE_KEYS)}")
    if "scenario" not in item and "fault" not in item:
        raise RuleError(f"{where}: give a scenario to run or a fault (or both for 'slow')")
    action = None
    if "action" in item:
        action = canonical_action(str(item["action"]))
        if action is None:
            raise RuleError(f"{where}: action {item['action']!r} is not one of {ACTIONS}")
    patterns = {k: _pattern(where, k, item[k]) for k in ("to", "from", "carrier", "content")
                if k in item}  # fmt: skip
    return Rule(index, action, patterns, _outcome(where, item))


def _outcome(where: str, item: Mapping[str, Any]) -> Outcome:
    scenario = item.get("scenario")
    if scenario is not None and (not isinstance(scenario, str) or not scenario):
        raise RuleError(f"{where}: scenario must be a scenario name")
    variables = item.get("vars", {})
    if not isinstance(variables, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | int) for k, v in variables.items()
    ):
        raise RuleError(f"{where}: vars must map names to text, e.g. {{reply = 'STOP'}}")
    pins = item.get("pin", [])
    pins = [pins] if isinstance(pins, str) else pins
    if not isinstance(pins, list | tuple) or not all(isinstance(p, str) for p in pins):
        raise RuleError(f"{where}: pin must be a branch label or a list of them")
    probability = _number(where, item, "probability", 1.0, 0.0, 1.0)
    fault = _fault(where, item) if "fault" in item else None
    return Outcome(scenario, {k: str(v) for k, v in variables.items()}, tuple(pins), fault,
                   where, probability)  # fmt: skip


def _fault(where: str, item: Mapping[str, Any]) -> Fault:
    kind = item["fault"]
    if not isinstance(kind, str) or (kind not in HTTP_FAULTS and kind not in API_ERRORS):
        raise RuleError(
            f"{where}: fault {kind!r} is not one of {', '.join(HTTP_FAULTS)} "
            "nor an API error code such as E713"
        )
    retry_after = int(_number(where, item, "retry_after", 1, 0, 86400))
    delay = _number(where, item, "delay", 5.0, 0.0, 30.0)
    return Fault(kind, retry_after, delay)


def _number(where: str, item: Mapping[str, Any], key: str, default: float, low: float,
            high: float) -> float:  # fmt: skip
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RuleError(f"{where}: {key} must be a number from {low:g} to {high:g}")
    return float(value)


def _pattern(where: str, key: str, value: object) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise RuleError(f"{where}: {key} must be a glob such as '1555*' or 're:<regex>'")
    if value.startswith("re:"):
        try:
            return re.compile(value[3:])
        except re.error as exc:
            raise RuleError(f"{where}: {key} is not a valid regex: {exc}") from None
    return re.compile(fnmatch.translate(value))


def parse_defaults(raw: object) -> dict[str, str]:
    """Check the ``api_defaults`` setting: action -> scenario name."""
    if not isinstance(raw, Mapping):
        raise RuleError("must map actions to scenarios, e.g. {sendSMS = 'sms-delivered'}")
    out: dict[str, str] = {}
    for name, scenario in raw.items():
        action = canonical_action(str(name))
        if action is None:
            raise RuleError(f"{name!r} is not an action; one of {', '.join(ACTIONS)}")
        if not isinstance(scenario, str) or not scenario:
            raise RuleError(f"{name}: the default must be a scenario name")
        out[action] = scenario
    return out
