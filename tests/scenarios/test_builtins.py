"""Every built-in scenario runs to completion on the virtual clock, in every flavour it
supports, and produces its documented codes in order with linked ids."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import unquote_plus

import pytest

from mockserver.platform import MockPlatform
from mockserver.runs import approve, start_run
from mockserver.scenarios import Library, ScenarioError, plan
from mockserver.scenarios.model import supported_forms
from mockserver.wire import parse, parse_bundle
from tests import conformance
from tests.scenarios.conftest import START, Recorder

SKY, SX, SJ = "skycore-xml", "sinch-xml", "sinch-json"
A, B, L = "sky-a", "sky-b", "sky-legacy"
#: scenario -> form -> the code sequences it may produce ("*": every other form it supports)
EXPECTED: dict[str, dict[str, set[tuple[str, ...]]]] = {
    "sms-delivered": {"*": {("N201", "N202")}},
    "sms-failed": {A: {("N201",)}, "*": {("E201",)}},
    "sms-not-delivered": {A: {("N201", "N202")}, "*": {("N201", "E202")}},
    "mms-binary-delivered": {"*": {("N101", "N102")}},
    "mms-binary-expired": {A: {("N101", "N102")}, L: {("N101", "N102")}, SJ: {("N101", "N103")},
                           "*": {("N101", "E102")}},
    "mms-binary-rejected": {A: {("N101", "N102")}, L: {("N101", "N102")},
                            "*": {("N101", "E102")}},
    "mms-binary-undeliverable": {A: {("N101", "N102")}, "*": {("N101", "E102")}},
    "mms-xhtml-delivered": {A: {("N101", "N202")}, B: {("N101", "N202")}, "*": {("N101", "N102")}},
    "mms-xhtml-link-failed": {A: {("N101", "N202")}, "*": {("N101", "E202")}},
    "mms-degraded-to-xhtml": {A: {("N101", "N202")}, B: {("N101", "N202")},
                              "*": {("N101", "N102")}},
    "mms-send-failed": {"*": {("E101",)}},
    "mms-device-discovery": {"*": {("N501", "N502", "N101", "N102")}},
    "mms-save-ok": {"*": {("N003",)}},
    "mms-save-encoding-failed": {A: {("E002",)}, "*": {("E002",), ("E003",)}},
    "mms-save-audio-failed": {"*": {("E002",)}},
    "mms-save-video-failed": {A: {("E002",)}, "*": {("E003",)}},
    "mms-send-inline": {"*": {("N013", "N101", "N102")}},
    "sms-mo": {"*": {("N211",)}},
    "sms-mo-legacy-bundle": {"*": {("N211",)}},
    "sms-mo-bundle-several": {"*": {("N211", "N211", "N211")}},
    "mms-mo": {"*": {("N401",)}},
    "mms-mo-moderated": {"*": {("N401",)}},
    "sms-delivered-late": {"*": {("N201", "N202")}},
    "mms-delivered-late": {"*": {("N101", "N102")}},
    "mms-save-encoded": {"*": {("N003",)}},
    "sms-reply": {"*": {("N201", "N202", "N211")}},
    "mms-reply": {"*": {("N101", "N102", "N211")}},
}  # fmt: skip
#: the forms each scenario can be written in (the others refuse with a clear error)
NOT_IN = {
    "sms-delivered": {SX}, "sms-failed": {SX, L}, "sms-not-delivered": {SX, L},
    "mms-binary-undeliverable": {L}, "mms-xhtml-delivered": {L}, "mms-xhtml-link-failed": {L},
    "mms-degraded-to-xhtml": {L}, "mms-send-failed": {L}, "mms-device-discovery": {A, L},
    "mms-save-encoding-failed": {L}, "mms-save-video-failed": {L}, "mms-send-inline": {A, L},
    "sms-mo": {SX}, "sms-mo-legacy-bundle": {SX, SJ}, "sms-mo-bundle-several": {SX, SJ},
    "mixed-traffic": {L}, "load-burst": {SX}, "sms-delivered-late": {SX}, "sms-reply": {SX},
    "mms-reply": {SX},
}  # fmt: skip
#: per-message sequences of the multi-message scenarios
PER_MESSAGE = {
    "mixed-traffic": {("N101", "N102"), ("N101", "E102"), ("N101", "N103"), ("E101",)},
    "load-burst": {("N201", "N202")},
}
FORMS = (L, A, B, SX, SJ)
CASES = [(s, f) for s in sorted(EXPECTED) + sorted(PER_MESSAGE) for f in FORMS]


def flavor_of(form: str) -> tuple[str, str | None]:
    return (SKY, form) if form.startswith("sky-") else (form, None)


def _allowed(name: str, form: str) -> set[tuple[str, ...]]:
    table = EXPECTED[name]
    return table.get(form, table["*"])


def test_every_builtin_is_covered(library: Library) -> None:
    assert set(library.names()) == set(EXPECTED) | set(PER_MESSAGE)
    assert set(NOT_IN) <= set(library.names())
    assert "mms-binary-expired" in library  # named in the README


def test_supported_forms_are_listed(library: Library) -> None:
    for name in library.names():
        assert set(supported_forms(library.get(name))) == set(FORMS) - NOT_IN.get(name, set())


def _is_bundle(body: bytes) -> bool:
    return b"<NOTIFICATION " in body or b"%3CNOTIFICATION+" in body


def _codes(body: bytes) -> list[tuple[str, dict[str, object]]]:
    if _is_bundle(body):
        raw = body if body.startswith(b"<") else unquote_plus(body.decode()[4:]).encode()
        return [(e.postback.code, dict(e.postback.fields)) for e in parse_bundle(raw)]
    postback = parse(body)
    return [(postback.code, dict(postback.fields))]


@pytest.mark.parametrize(("name", "form"), CASES)
def test_builtin_runs_to_completion(
    name: str, form: str, library: Library, platform: MockPlatform, recorder: Recorder
) -> None:
    """Every built-in, in every form: the documented codes in order, ids linked, and every
    body written wholly in that form (nothing from another revision leaks in)."""
    scenario = library.get(name)
    flavor, revision = flavor_of(form)
    if form in NOT_IN.get(name, set()):
        with pytest.raises(ScenarioError, match=r"run (this scenario|it) with"):
            plan(scenario, seed=1, flavor=flavor, revision=revision, now=START)
        return
    run = start_run(platform, scenario, seed=7, flavor=flavor, revision=revision)
    for _ in run.holds:
        approve(platform, run)
    platform.run_until_idle()
    for sent in recorder.sent:  # a bundle step is always the legacy form
        conformance.check(sent.body, L if _is_bundle(sent.body) else form)
    received = [item for sent in recorder.sent for item in _codes(sent.body)]
    assert len(recorder.sent) == len(run.plan.sent())
    if name in PER_MESSAGE:
        _check_messages(received, PER_MESSAGE[name])
        return
    assert tuple(code for code, _ in received) in _allowed(name, form)
    for link in ("TRACKINGID", "MMSID"):
        values = {fields[link] for _, fields in received if link in fields}
        assert len(values) <= 1, f"{link} differs between linked postbacks: {values}"
    if "TRACKINGID" in run.ids:
        assert all(
            f.get("TRACKINGID", run.ids["TRACKINGID"]) == run.ids["TRACKINGID"] for _, f in received
        )


def _check_messages(
    received: list[tuple[str, dict[str, object]]], allowed: set[tuple[str, ...]]
) -> None:
    by_id: dict[object, list[str]] = defaultdict(list)
    for code, fields in received:
        by_id[fields["TRACKINGID"]].append(code)
    assert len(by_id) > 1
    for tracking, codes in by_id.items():
        assert tuple(codes) in allowed, (tracking, codes)


def test_delays_follow_the_documented_examples(library: Library) -> None:
    """SMS DLR 2-10 s after N201 (examples 7 s, 2.6 s); binary MMS DLR 5-20 s (5 s, 20 s)."""
    for seed in range(30):
        sms = plan(library.get("sms-delivered"), seed=seed, now=START).sent()
        assert 2 <= sms[1].offset - sms[0].offset <= 10
        mms = plan(library.get("mms-binary-delivered"), seed=seed, now=START).sent()
        assert 5 <= mms[1].offset - mms[0].offset <= 20


def test_binary_receipt_carries_handset_and_aggregator(library: Library) -> None:
    sent = plan(library.get("mms-binary-delivered"), seed=3, now=START).sent()
    n102 = sent[1].postback
    assert {"HANDSET", "AGGREGATORID", "MMSID"} <= set(n102.fields)
    assert n102.fields["SENTAS"] == "MMS"


def test_flavour_decisions(library: Library) -> None:
    """Decisions 7 (link DLR N202 -> N102 SENTAS SMS), 11 (Sinch E102 has no timestamp),
    24 (Sinch spells Not Supported), 27 (degrade reason per flavour)."""
    xhtml = plan(library.get("mms-xhtml-delivered"), seed=1, flavor=SX, now=START).sent()
    assert xhtml[1].postback.code == "N102"
    assert xhtml[1].postback.fields["SENTAS"] == "SMS"
    assert "MMSID" not in xhtml[1].postback.fields
    rejected = plan(library.get("mms-binary-rejected"), seed=1, flavor=SX, now=START).sent()
    assert "TIMESTAMP" not in rejected[1].postback.fields
    assert b"<timestamp>" not in rejected[1].body
    undeliverable = plan(library.get("mms-binary-undeliverable"), seed=1, flavor=SX, now=START)
    assert b"Message Sent/Not Supported" in undeliverable.sent()[1].body
    sky = plan(library.get("mms-degraded-to-xhtml"), seed=1, flavor=SKY, now=START).sent()
    assert sky[0].postback.fields["STATUSDETAILS"] == "Handset setting: mms with pass via xHTML;"
    sinch = plan(library.get("mms-degraded-to-xhtml"), seed=1, flavor=SJ, now=START).sent()
    assert sinch[0].postback.fields["STATUSDETAILS"] == "Handset setting: mms with pass via HTML"


def test_mms_mo_has_several_files(library: Library) -> None:
    n401 = plan(library.get("mms-mo"), seed=1, now=START).sent()[0].postback
    files = n401.fields["CONTENT"]
    assert isinstance(files, list)
    assert len(files) == 3
    assert all(f.startswith("http://127.0.0.1:8055/mock/media/") for f in files)
    assert str(n401.fields["TRACKINGID"]).startswith("MMS_MO_")
