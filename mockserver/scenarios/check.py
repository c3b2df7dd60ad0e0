"""Checks of a loaded scenario that need the whole file: names its templates use, and nodes
its postbacks would lack. Run at load time (``loads``, ``mockserver validate``, start-up), so
these mistakes are caught before anything is delivered.

1. A template may use ``vars.NAME`` only for a var defined before it (scenario vars in file
   order, then a ``repeat``'s vars), ``i`` only inside a ``repeat``, and otherwise only
   ``vars``, ``ids``, ``run``, ``now`` and ``fake``.
2. Each step's postback must get every node the documents of the form it is written in
   require: from the step's fields, a default, the clock, or the var of the same meaning
   (``TO`` from ``to``...). Loading checks the scenario's default form (sky-a, the seed
   documents, when it has one); a run checks the form it asks for before anything is
   scheduled; ``mockserver validate --revision/--flavor`` checks another one.
"""

from __future__ import annotations

from collections.abc import Iterator

import jinja2
from jinja2 import meta, nodes

from mockserver.scenarios.errors import ScenarioError
from mockserver.scenarios.model import (
    BundleStep,
    ChooseStep,
    PostbackStep,
    RepeatStep,
    Scenario,
    Step,
    Template,
    Value,
    WaitStep,
    supported_forms,
)
from mockserver.scenarios.templating import environment
from mockserver.scenarios.walker import FIELD_VARS
from mockserver.wire.adapt import adapt, left_out
from mockserver.wire.catalog import TIME_NODES, lookup
from mockserver.wire.errors import FlavorError
from mockserver.wire.events import EVENTS
from mockserver.wire.model import Postback

_CONTEXT = frozenset({"vars", "ids", "run", "now", "fake"})
_FILLED = frozenset({"CONTENT", "HISTORYID"}) | TIME_NODES  # the planner always has these


def default_form(scenario: Scenario) -> str | None:
    """The form a run on the server's defaults writes: sky-a when the scenario has it."""
    forms = supported_forms(scenario)
    return "sky-a" if "sky-a" in forms else (forms[0] if forms else None)


def problems(scenario: Scenario, forms: tuple[str, ...] | None = None) -> list[ScenarioError]:
    """Every problem of both kinds, in file order; nodes are checked in ``forms`` (default:
    :func:`default_form`)."""
    if forms is None:
        default = default_form(scenario)
        forms = (default,) if default else ()
    found: list[ScenarioError] = []
    known: list[str] = []
    for name, value in scenario.vars:
        found += _template_problems(value, known, in_repeat=False)
        known.append(name)
    found += _steps(scenario.steps, tuple(known), False, forms)
    return found


def missing_in(scenario: Scenario, form: str) -> tuple[ScenarioError, ...]:
    """The nodes a run in ``form`` would lack (templates are checked at load time)."""
    return scenario.memo(
        ("missing", form),
        lambda: tuple(e for e in problems(scenario, (form,)) if " would lack " in e.what),
    )


def _steps(
    steps: tuple[Step, ...], known: tuple[str, ...], in_repeat: bool, forms: tuple[str, ...]
) -> list[ScenarioError]:
    found: list[ScenarioError] = []
    for step in steps:
        if isinstance(step, BundleStep):
            found += _bundle(step, known, in_repeat)
        elif isinstance(step, PostbackStep):
            found += _postback(step, known, in_repeat, forms)
        elif isinstance(step, ChooseStep):
            for branch in step.branches:
                found += _steps(branch.steps, known, in_repeat, forms)
        elif isinstance(step, WaitStep):
            found += _steps(step.on_reject, known, in_repeat, forms)
        elif isinstance(step, RepeatStep):
            found += _repeat(step, known, forms)
    return found


def _repeat(
    step: RepeatStep, known: tuple[str, ...], forms: tuple[str, ...]
) -> list[ScenarioError]:
    found: list[ScenarioError] = []
    for template in (step.count_template, step.interval_template and step.interval_template[1]):
        if template:
            found += _template_problems(template, list(known), in_repeat=False)
    inner = list(known)
    for name, value in step.vars:
        found += _template_problems(value, inner, in_repeat=True)
        inner.append(name)
    return found + _steps(step.steps, tuple(inner), True, forms)


def _bundle(step: BundleStep, known: tuple[str, ...], in_repeat: bool) -> list[ScenarioError]:
    found: list[ScenarioError] = []
    if step.first_id is not None:
        found += _template_problems(step.first_id, list(known), in_repeat)
    for entry in step.entries:  # a bundle is written in the legacy BODY form
        found += _postback(entry, known, in_repeat, ("sky-legacy",))
    return found


def _postback(
    step: PostbackStep, known: tuple[str, ...], in_repeat: bool, forms: tuple[str, ...]
) -> list[ScenarioError]:
    found: list[ScenarioError] = []
    for _name, value in step.fields:
        found += _template_problems(value, list(known), in_repeat)
    missing: dict[tuple[str, str], list[str]] = {}
    for form in forms:
        for node, code in _missing_nodes(step, form, known):
            missing.setdefault((node, code), []).append(form)
    for (node, code), where in missing.items():
        var = FIELD_VARS.get(node)
        fix = f"set fields.{node}" + (f" or define a var `{var}`" if var else "")
        what = f"{code} would lack {node}, which {', '.join(where)} requires"
        found.append(ScenarioError(what, step.loc, fix))
    return found


def _missing_nodes(
    step: PostbackStep, form: str, known: tuple[str, ...]
) -> Iterator[tuple[str, str]]:
    """(node, how the code is named in the message) for each required node not filled."""
    given = {name for name, _ in step.fields}
    flavor = form if form.startswith("sinch-") else "skycore-xml"
    if step.event is not None:
        written = EVENTS[step.event].forms.get(form)
        if written is None:
            return
        postback = Postback(written.origin, written.code, dict(written.fields))
    else:
        postback = adapt(Postback(step.origin, step.code, dict.fromkeys(given, "")), flavor)
    fixed = set(postback.fields)
    entry = lookup(postback.code, postback.origin)
    try:
        written_in = entry.form_for(flavor, form if flavor == "skycore-xml" else None)
    except FlavorError:
        return  # not written in this form at all (supported_forms says why)
    layout = entry.forms[written_in]
    omitted = left_out(postback)
    label = entry.code if written_in == form else f"{entry.code} (written in {written_in})"
    if step.event is not None:
        label = f"event {step.event} ({entry.code})"
    for name in layout.required:
        if name in given or name in fixed or name in entry.defaults or name in _FILLED:
            continue
        if name in omitted or FIELD_VARS.get(name) in known:
            continue
        yield name, label


def _template_problems(value: Value, known: list[str], in_repeat: bool) -> list[ScenarioError]:
    templates = (value,) if isinstance(value, Template) else value
    found: list[ScenarioError] = []
    for template in templates:
        if "{" not in template.source:
            continue
        try:
            tree = environment().parse(template.source)
        except jinja2.TemplateSyntaxError:
            continue  # reported by the loader's syntax check
        allowed = _CONTEXT | ({"i"} if in_repeat else set())
        for name in sorted(meta.find_undeclared_variables(tree) - allowed):
            fix = "templates see vars, ids, run, now, fake" + (", i" if in_repeat else "")
            if name == "i":
                fix = "i exists only inside a repeat"
            found.append(ScenarioError(f"template uses undefined name {name!r}", template.loc, fix))
        for var in _vars_used(tree):
            if var not in known and not var.startswith("_"):  # "_..." is the sandbox's
                defined = ", ".join(known) or "none"
                found.append(
                    ScenarioError(
                        f"template uses undefined var {var!r}",
                        template.loc,
                        f"define it under vars (before this use); defined here: {defined}",
                    )
                )
    return found


def _vars_used(tree: nodes.Template) -> list[str]:
    """``vars.NAME`` and ``vars['NAME']`` in a template, in order."""
    used: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = getattr(node, "node", None)
        if not (isinstance(target, nodes.Name) and target.name == "vars"):
            continue
        if isinstance(node, nodes.Getattr):
            used.append(node.attr)
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                used.append(arg.value)
    return list(dict.fromkeys(used))
