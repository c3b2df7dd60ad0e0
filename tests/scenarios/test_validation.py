# ruff: noqa: E501 - a table of literal files and messages
"""Broken scenario files: each gives its precise error (file:line:col, what, likely fix)."""

from __future__ import annotations

import pytest

from mockserver.scenarios import ScenarioValidationError, loads, plan

HEAD = "name: t\ndescription: d\nkind: mt\n"
MO_HEAD = "name: t\ndescription: d\nkind: mo\n"

CASES = [
    # (file text, expected error text)
    (
        HEAD + "steps:\n  - postback: N104\n",
        "unknown code N104 at mms.yaml:5:15; did you mean N102?",
    ),
    (
        HEAD + "steps:\n  - postbak: N101\n",
        "a step needs one of postback, event, choose, wait, repeat, bundle at mms.yaml:5:5",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    feilds: {}\n",
        "unknown key 'feilds' in a postback step at mms.yaml:6:5; did you mean fields?",
    ),
    (
        HEAD + "colour: red\nsteps:\n  - postback: N101\n",
        "unknown key 'colour' in the scenario at mms.yaml:4:1",
    ),
    (
        "description: d\nkind: mt\nsteps:\n  - postback: N101\n",
        "the scenario lacks required key 'name' at mms.yaml:1:1; add `name:`",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    fields: {STATS: x}\n",
        "unknown key 'STATS' in fields of MMS_MT/N101 at mms.yaml:6:14; did you mean STATUS?",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    fields: {STATUS: Message Send}\n",
        "status 'Message Send' is not documented for MMS_MT/N101 at mms.yaml:6:22; did you mean Message Sent?",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    after: 5 minutes\n",
        "after: cannot read '5 minutes' as a delay at mms.yaml:6:12; write 5s, 500ms, 2m, 1h or 2s..30s",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    after: 30s..2s\n",
        "after: range '30s..2s' ends before it starts at mms.yaml:6:12; write 2s..30s",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    faults: [duplicat]\n",
        "unknown fault 'duplicat' at mms.yaml:6:14; did you mean duplicate?",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    faults: [delay]\n",
        "delay needs a duration at mms.yaml:6:14",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    faults: [reorder]\n",
        "reorder on the last step has nothing to swap with at mms.yaml:5:5",
    ),
    (
        HEAD + "steps:\n  - postback: N401\n",
        "N401 is an MMS_MO postback in a kind: mt scenario at mms.yaml:5:15; set kind: mo",
    ),
    (
        HEAD + "steps:\n  - postback: SMS_MT/N101\n",
        "N101 does not exist under origin SMS_MT at mms.yaml:5:15; it exists under MMS_MT",
    ),
    (
        HEAD + 'steps:\n  - postback: N101\n    fields: {TO: "{{ vars.to "}\n',
        "template syntax error: unexpected end of template",
    ),
    (
        HEAD + "vars:\n  to: {{ fake.msisdn() }}\nsteps:\n  - postback: N101\n",
        "vars.to must be a single value",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    fields: {SENTAS: yes}\n",
        "SENTAS: yes reads as a boolean at mms.yaml:6:22; quote it",
    ),
    (HEAD + "steps:\n- postback: N101\n  bad indent: [\n", "YAML syntax error"),
    (
        HEAD
        + "steps:\n  - choose:\n      - weight: 0\n        steps: [{postback: N101}]\n      - {weight: 1, steps: [{postback: N102}]}\n",
        "weight must be more than zero at mms.yaml:6:17",
    ),
    (
        HEAD + "steps:\n  - choose:\n      - {weight: 1, steps: [{postback: N101}]}\n",
        "choose needs at least two branches at mms.yaml:6:7",
    ),
    (
        HEAD + "steps:\n  - wait: moderation\n",
        "wait: moderation holds MMS MO only at mms.yaml:5:11; set kind: mo",
    ),
    (
        MO_HEAD + "steps:\n  - wait: approval\n",
        "unknown wait 'approval' at mms.yaml:5:11; the only wait is `wait: moderation`",
    ),
    (
        HEAD + "steps:\n  - repeat: {count: 3, steps: [{postback: N101}]}\n",
        "repeat needs exactly one of rate or every at mms.yaml:5:13",
    ),
    (
        HEAD + "steps:\n  - repeat: {count: 3, rate: fast, steps: [{postback: N101}]}\n",
        "rate: cannot read 'fast' at mms.yaml:5:30; write a count per unit: 10/s",
    ),
    (
        HEAD + "steps:\n  - postback: N101\n    fields: {CONTENT: x}\n",
        "unknown key 'CONTENT' in fields of MMS_MT/N101",
    ),
    (
        MO_HEAD + "steps:\n  - postback: N401\n    fields: {CONTENT: one-url}\n",
        "CONTENT must be a list of file URLs at mms.yaml:6:23",
    ),
    (
        "name: Bad Name\ndescription: d\nkind: mt\nsteps:\n  - postback: N101\n",
        "name 'Bad Name' is not a slug at mms.yaml:1:7",
    ),
    (
        HEAD.replace("mt", "sms") + "steps:\n  - postback: N101\n",
        "kind 'sms' is not mt or mo at mms.yaml:3:7",
    ),
    (HEAD + "steps: []\n", "steps is empty at mms.yaml:4:8"),
    (
        HEAD + "steps:\n  - postback: N101\n  - postback: N101\n    fields: {MMSID: 1, MMSID: 2}\n",
        "duplicate key 'MMSID' in fields of MMS_MT/N101 at mms.yaml:7:24; keep only one",
    ),
    ("", "empty file at mms.yaml:1:1"),
    ("a: b\n---\nc: d\n", "YAML syntax error: but found another document at mms.yaml:2:1"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_broken_file_gives_a_precise_error(text: str, expected: str) -> None:
    with pytest.raises(ScenarioValidationError) as info:
        loads(text, "mms.yaml")
    messages = [str(e) for e in info.value.errors]
    assert any(expected in m for m in messages), messages


def test_all_errors_of_a_file_are_reported_together() -> None:
    text = HEAD + "steps:\n  - postback: N104\n  - postback: N999\n    after: soon\n"
    with pytest.raises(ScenarioValidationError) as info:
        loads(text, "x.yaml")
    assert len(info.value.errors) == 3
    assert str(info.value).count("x.yaml:") == 3


IDS = "vars: {to: '1', tracking_id: t, spid: '1', mmsid: '1', aggregator_id: a}\n"


def test_n202_takes_its_origin_from_the_file() -> None:
    sms = loads(HEAD + IDS + "steps:\n  - postback: N201\n  - postback: N202\n")
    mms = loads(HEAD + IDS + "steps:\n  - postback: N101\n  - postback: N202\n")
    explicit = loads(HEAD + IDS + "steps:\n  - postback: N202\n    fields: {ORIGIN: MMS_MT}\n")
    assert [s.origin for s in sms.steps] == ["SMS_MT", "SMS_MT"]  # type: ignore[union-attr]
    assert [s.origin for s in mms.steps] == ["MMS_MT", "MMS_MT"]  # type: ignore[union-attr]
    assert explicit.steps[0].origin == "MMS_MT"  # type: ignore[union-attr]


def test_a_step_lacking_a_required_node_is_caught_at_load_time() -> None:
    text = HEAD + "vars: {to: '1'}\nsteps:\n  - postback: N201\n"
    with pytest.raises(ScenarioValidationError) as caught:
        loads(text, "n201.yaml")
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        f"N201 would lack {node}, which sky-a requires at n201.yaml:6:5; set fields.{node} "
        f"or define a var `{var}`"
        for node, var in (("TRACKINGID", "tracking_id"), ("SPID", "spid"))
    ]


def test_an_event_lacking_a_node_names_the_event() -> None:
    text = HEAD + "vars: {to: '1', mmsid: '2', tracking_id: t, spid: s}\nsteps:\n"
    with pytest.raises(
        ScenarioValidationError,
        match=r"event mms.failed \(E101\) would lack "
        r"STATUSDETAILS, which sky-a requires at e\.yaml:6:5; set fields",
    ):
        loads(text + "  - event: mms.failed\n", "e.yaml")
    assert loads(text + "  - event: mms.failed\n    fields: {STATUSDETAILS: oops}\n")


def test_another_revisions_nodes_are_checked_when_a_run_asks_for_it() -> None:
    """sky-b also needs FROM: a run in sky-b is refused before anything is planned."""
    text = HEAD + IDS + "steps:\n  - event: sms.sent\n"
    scenario = loads(text, "s.yaml")
    assert plan(scenario, seed=1).codes() == ["N201"]
    with pytest.raises(
        ScenarioValidationError,
        match=r"\(N201\) would lack FROM, which sky-b "
        r"requires at s\.yaml:6:5; set fields.FROM or define a var `from`",
    ):
        plan(scenario, seed=1, revision="sky-b")
