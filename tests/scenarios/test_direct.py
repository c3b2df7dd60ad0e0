"""The plain-Python renderers give what the sandboxed Jinja render gives, or step aside."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from mockserver.scenarios import ScenarioError
from mockserver.scenarios.direct import direct
from mockserver.scenarios.errors import Loc
from mockserver.scenarios.library import Library
from mockserver.scenarios.model import Template
from mockserver.scenarios.templating import _compile, environment, make_fake, render

LOC = Loc("t.yaml", 3, 5)


def _templates(value: object) -> list[str]:
    """Every template source inside a scenario (vars, steps, branches, repeats, bundles)."""
    if isinstance(value, Template):
        return [value.source]
    if isinstance(value, tuple | list):
        return [s for item in value for s in _templates(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _templates(getattr(value, f.name))]
    return []


def _context(seed: int) -> dict[str, Any]:
    variables: dict[str, object] = {name: f"{name}-value" for name in VAR_NAMES}
    variables.update({"to": "15551234567", "from": "60856", "reply": "STOP", "count": 3})
    run = {"id": "r1", "name": "t", "seed": seed, "flavor": "skycore-xml", "revision": "sky-a"}
    return {"vars": variables, "ids": {"TRACKINGID": "U01T"}, "run": run, "i": 2,
            "fake": make_fake(seed)}  # fmt: skip


BUILTIN_SOURCES = sorted({s for scenario in Library() for s in _templates(scenario) if "{" in s})
VAR_NAMES = sorted({m for s in BUILTIN_SOURCES for m in re.findall(r"vars\.(\w+)", s)})


@pytest.mark.parametrize("source", BUILTIN_SOURCES)
def test_every_builtin_template_renders_as_jinja_does(source: str) -> None:
    """Same seed, same values: each path draws from its own freshly seeded fake."""
    fast = direct(environment(), source)
    for seed in (1, 2, 99):
        jinja_text = _compile(source).render(_context(seed))
        if fast is not None:
            assert fast(_context(seed)) == jinja_text
        assert render(source, _context(seed), LOC) == jinja_text


def test_the_common_shapes_are_compiled() -> None:
    compiled = [s for s in BUILTIN_SOURCES if direct(environment(), s) is not None]
    assert len(compiled) >= len(BUILTIN_SOURCES) * 3 // 4, sorted(
        set(BUILTIN_SOURCES) - set(compiled)
    )
    for source in ("{{ fake.msisdn() }}", "{{ fake.tracking_id('SMS') }}", "{{ vars.to }}",
                   "{{ i }}", "+{{ vars.to }}-{{ ids.TRACKINGID }}\n",
                   "{{ fake.sentence(nb_words=3) }}"):  # fmt: skip
        assert direct(environment(), source) is not None, source


@pytest.mark.parametrize(
    "source",
    [
        "{{ fake.word() | upper }}",
        "{{ vars.to ~ 'x' }}",
        "{{ fake.random_element(['A', 'B']) }}",  # a list argument: one object per render
        "{{ fake.random_int(vars.count, 9) }}",
        "{{ fake._faker }}",
        "{{ fake.__init__() }}",
        "{% if vars.to %}x{% endif %}",
        "{{ 'literal' }}",
        "{{ vars.to.upper() }}",
    ],
)
def test_other_shapes_are_left_to_jinja(source: str) -> None:
    assert direct(environment(), source) is None


@pytest.mark.parametrize(
    "source",
    [
        "{{ vars.items }}",
        "{{ vars.nope }}",
        "{{ nope }}",
        "{{ fake.seed_instance(1) }}",
        "{{ fake.no_such_generator() }}",
        "{{ ids.MMSID }}",
    ],
)
def test_a_lookup_jinja_resolves_differently_steps_aside(source: str) -> None:
    """A mapping attribute, a missing name or key, a refused generator: None, so the
    caller renders with Jinja and gets its value or its error."""
    fast = direct(environment(), source)
    assert fast is not None
    assert fast(_context(1)) is None


def test_errors_are_the_ones_jinja_gave() -> None:
    with pytest.raises(ScenarioError, match="template error: 'dict object' has no attribute"):
        render("{{ vars.nope }}", _context(1), LOC)
    with pytest.raises(ScenarioError, match="SafeFake object' has no attribute 'seed_instance'"):
        render("{{ fake.seed_instance(1) }}", _context(1), LOC)
    with pytest.raises(ScenarioError, match="template failed: ValueError"):
        render("{{ fake.random_int(9, 1) }}", _context(1), LOC)
    assert render("{{ vars.items }}", _context(1), LOC).startswith("<built-in method items")
