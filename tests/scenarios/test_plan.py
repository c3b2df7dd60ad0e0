"""Planning: seeded determinism, weighted choices, faults, repeats, vars."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest

from mockserver.scenarios import Library, ScenarioError, loads, plan
from tests.scenarios.conftest import START

TWO_STEPS = """
name: t
description: two linked postbacks
kind: mt
vars:
  to: "{{ fake.msisdn() }}"
  from: "{{ fake.shortcode() }}"
  tracking_id: "{{ fake.tracking_id('SMS') }}"
  spid: "{{ fake.spid() }}"
  aggregator_id: "{{ fake.aggregator_id() }}"
steps:
  - postback: N201
    FAULTS_A
  - postback: N202
    after: 10s
    FAULTS_B
  - postback: N202
    after: 10s
"""


def scenario(faults_a: str = "", faults_b: str = "") -> str:
    return TWO_STEPS.replace("FAULTS_A", faults_a).replace("FAULTS_B", faults_b)


@pytest.mark.parametrize("name", ["mixed-traffic", "mms-binary-expired", "sms-mo-legacy-bundle"])
def test_same_seed_same_bytes_and_schedule(library: Library, name: str) -> None:
    a = plan(library.get(name), seed=42, now=START)
    b = plan(library.get(name), seed=42, now=START)
    assert [(p.body, p.offset, p.phase) for p in a.postbacks] == [
        (p.body, p.offset, p.phase) for p in b.postbacks
    ]
    assert a.ids == b.ids
    assert a.choices == b.choices
    c = plan(library.get(name), seed=43, now=START)
    assert [p.body for p in a.postbacks] != [p.body for p in c.postbacks]


def test_unseeded_plan_records_its_seed(library: Library) -> None:
    a = plan(library.get("sms-delivered"), now=START)
    again = plan(library.get("sms-delivered"), seed=a.seed, now=START)
    assert [p.body for p in a.postbacks] == [p.body for p in again.postbacks]


def test_weighted_choices_follow_their_weights() -> None:
    text = textwrap.dedent("""
        name: w
        description: weights
        kind: mt
        vars: {mmsid: "1", from: "2", to: "1", tracking_id: x, spid: "1"}
        steps:
          - repeat:
              count: 4000
              every: 1s
              steps:
                - choose:
                    - {weight: 90, label: ok, steps: [{postback: N101}]}
                    - {weight: 9, label: rejected, steps: [{postback: E102}]}
                    - {weight: 1, label: failed,
                       steps: [{postback: E101, fields: {STATUSDETAILS: "no route"}}]}
    """)
    counts = Counter(plan(loads(text), seed=2024, now=START).choices)
    assert sum(counts.values()) == 4000
    # binomial standard deviations: 19, 18, 6.3 -> 4 sigma bounds
    assert abs(counts["ok"] - 3600) < 76
    assert abs(counts["rejected"] - 360) < 72
    assert abs(counts["failed"] - 40) < 26


def test_fault_drop_is_planned_but_not_sent() -> None:
    p = plan(loads(scenario(faults_b="faults: [drop]")), seed=1, now=START)
    assert [x.code for x in p.postbacks] == ["N201", "N202", "N202"]
    assert p.postbacks[1].dropped
    assert p.codes() == ["N201", "N202"]


def test_fault_duplicate_sends_the_same_bytes_twice() -> None:
    p = plan(loads(scenario(faults_a="faults: [{duplicate: 3s}]")), seed=1, now=START)
    sent = p.sent()
    assert [x.code for x in sent] == ["N201", "N201", "N202", "N202"]
    assert sent[0].body == sent[1].body
    assert sent[1].offset - sent[0].offset == 3
    assert sent[1].duplicate_of == sent[0].index


def test_fault_reorder_swaps_with_the_next() -> None:
    plain = plan(loads(scenario()), seed=1, now=START)
    p = plan(loads(scenario(faults_a="faults: [reorder]")), seed=1, now=START)
    assert p.postbacks[0].offset == plain.postbacks[1].offset
    assert p.postbacks[1].offset == plain.postbacks[0].offset
    assert [x.code for x in p.sent()][:2] == ["N202", "N201"]
    assert p.postbacks[0].body == plain.postbacks[0].body  # its own timestamp is kept


def test_fault_delay_makes_one_postback_late() -> None:
    plain = plan(loads(scenario()), seed=1, now=START)
    p = plan(loads(scenario(faults_b="faults: [{delay: 5m}]")), seed=1, now=START)
    assert p.postbacks[1].offset == plain.postbacks[1].offset + 300
    assert p.postbacks[2].offset == plain.postbacks[2].offset  # later steps keep their time
    assert [x.code for x in p.sent()] == ["N201", "N202", "N202"]
    assert p.postbacks[1].body == plain.postbacks[1].body


def test_fault_quirk_reaches_the_renderer() -> None:
    text = scenario(faults_a="faults: [from-mask-double-open]")
    p = plan(loads(text), seed=1, now=START, revision="sky-b")  # FROM_MASK's documents
    assert b"<FROM_MASK><FROM_MASK>" in p.postbacks[0].body
    assert b"<FROM_MASK></FROM_MASK>" in p.postbacks[1].body


def test_the_old_sky_a_quirk_points_to_the_revision(library: Library) -> None:
    path = Path(library.get("mms-binary-expired").path)
    source = path.read_text(encoding="utf-8").replace(
        "event: mms.expired", "event: mms.expired\n    faults: [sky-a-failure-codes]"
    )
    with pytest.raises(ScenarioError, match=r"sky-a is now a revision.*event: mms.expired"):
        loads(source)


def test_repeat_spaces_iterations_by_rate(library: Library) -> None:
    p = plan(library.get("load-burst"), seed=5, now=START)
    firsts = [x for x in p.postbacks if x.code == "N201"]
    assert len(firsts) == 200
    assert firsts[1].offset - firsts[0].offset == pytest.approx(0.02)
    assert len({x.postback.fields["TRACKINGID"] for x in firsts}) == 200


def test_run_vars_override_defaults_and_unknown_vars_are_refused(library: Library) -> None:
    p = plan(library.get("sms-delivered"), {"to": "15550001111"}, seed=1, now=START)
    assert all(x.postback.fields["TO"] == "15550001111" for x in p.postbacks)
    with pytest.raises(ScenarioError, match=r"has no var 'too'.*its vars: to, from"):
        plan(library.get("sms-delivered"), {"too": "1"}, seed=1, now=START)


def test_time_scale_shortens_offsets(library: Library) -> None:
    full = plan(library.get("sms-delivered"), seed=1, now=START)
    tenth = plan(library.get("sms-delivered"), seed=1, now=START, time_scale=0.1)
    assert tenth.postbacks[1].offset == pytest.approx(full.postbacks[1].offset / 10)


def test_timestamps_have_an_offset(library: Library) -> None:
    p = plan(library.get("sms-delivered"), seed=1, now=START)
    assert p.postbacks[0].postback.fields["TIMESTAMP"].startswith("2024-03-01T12:00:")  # type: ignore[union-attr]
    assert str(p.postbacks[0].postback.fields["TIMESTAMP"]).endswith("-05:00")


def test_unknown_flavour() -> None:
    with pytest.raises(ScenarioError, match=r"unknown flavour 'sinch'.*choose one of"):
        plan(loads(scenario()), flavor="sinch", now=START)
