"""Runs on the engine (virtual clock): moderation holds, faults on the wire, run records."""

from __future__ import annotations

import pytest

from mockserver.platform import MockPlatform
from mockserver.runs import approve, reject, runs_of, start_run
from mockserver.scenarios import Library, ScenarioError, loads
from mockserver.wire import parse
from tests.scenarios.conftest import URL, Recorder

MODERATED_WITH_REJECT = """
name: held
description: held with a reply on rejection
kind: mo
vars: {from: "1555", to: "12345", tracking_id: "{{ fake.mms_mo_id() }}", content: [a]}
steps:
  - wait: moderation
    on_reject:
      - postback: N211
        fields: {TEXT: rejected}
  - postback: N401
"""


def test_moderation_holds_until_approved(
    library: Library, platform: MockPlatform, recorder: Recorder
) -> None:
    run = start_run(platform, "mms-mo-moderated", seed=1, library=library)
    platform.advance(3600)
    assert recorder.sent == []
    hold = run.pending_hold()
    assert hold is not None
    assert hold.item["TRACKINGID"] == run.ids["TRACKINGID"]
    approve(platform, run)
    platform.run_until_idle()
    assert [parse(s.body).code for s in recorder.sent] == ["N401"]
    assert run.pending_hold() is None
    with pytest.raises(ScenarioError, match="nothing waiting for moderation"):
        approve(platform, run)


def test_rejection_sends_nothing_by_default(
    library: Library, platform: MockPlatform, recorder: Recorder
) -> None:
    run = start_run(platform, "mms-mo-moderated", seed=1, library=library)
    assert reject(platform, run) == []
    platform.run_until_idle()
    assert recorder.sent == []
    assert run.to_dict()["holds"][0]["state"] == "rejected"


def test_rejection_runs_on_reject_steps(platform: MockPlatform, recorder: Recorder) -> None:
    run = start_run(platform, loads(MODERATED_WITH_REJECT), seed=1)
    reject(platform, run)
    platform.run_until_idle()
    assert [parse(s.body).code for s in recorder.sent] == ["N211"]


def test_faults_on_the_wire(platform: MockPlatform, recorder: Recorder) -> None:
    text = """
name: f
description: faults
kind: mt
vars: {to: "1", from: "2", tracking_id: T, spid: "1", aggregator_id: A}
steps:
  - postback: N201
    faults: [{duplicate: 1s}, reorder]
  - postback: N202
    after: 10s
    faults: [drop]
  - postback: E202
    after: 10s
"""
    platform_start = platform.now()
    run = start_run(platform, loads(text), seed=1)
    platform.run_until_idle()
    # N201 takes N202's slot (10 s; N202 is dropped, never sent); its duplicate keeps 1 s
    assert [parse(s.body).code for s in recorder.sent] == ["N201", "N201", "E202"]
    assert recorder.sent[0].body == recorder.sent[1].body
    assert [s.at - platform_start for s in recorder.sent] == pytest.approx([1.0, 10.0, 20.0])
    assert len(run.scheduled) == 3


def test_run_is_recorded_with_its_ids_and_url(
    library: Library, platform: MockPlatform, recorder: Recorder
) -> None:
    run = start_run(platform, "mms-binary-expired", seed=9, library=library)
    assert runs_of(platform).get(run.id) is run
    view = run.to_dict()
    assert view["ids"]["TRACKINGID"] == run.ids["TRACKINGID"]
    assert [p["code"] for p in view["postbacks"]] == ["N101", "N102"]  # sky-a: expiry is N102
    platform.run_until_idle()
    assert all(s.url == URL for s in recorder.sent)
    logged = platform.postbacks(run_id=run.id)
    assert len(logged) == 2


def test_platform_seed_makes_runs_reproducible(library: Library, platform: MockPlatform) -> None:
    platform.configure(seed=5)
    a = start_run(platform, "sms-delivered", library=library)
    b = start_run(platform, "sms-delivered", library=library)
    assert a.plan.seed != b.plan.seed  # each run its own seed, derived from the setting
    assert a.plan.seed == (5 * 1_000_003) % 2**32


def test_unknown_scenario_name(library: Library, platform: MockPlatform) -> None:
    with pytest.raises(
        ScenarioError, match=r"unknown scenario 'sms-deliverd'.*did you mean sms-delivered"
    ):
        start_run(platform, "sms-deliverd", library=library)


def test_moderation_goes_through_the_platform_inbox(
    library: Library, platform: MockPlatform, recorder: Recorder
) -> None:
    from mockserver.inbox import Inbox

    inbox = Inbox(platform, lambda event: None)
    platform.inbox = inbox  # type: ignore[attr-defined]
    run = start_run(platform, "mms-mo-moderated", seed=1, library=library)
    assert run.holds[0].moderation_id is not None
    [item] = inbox.items()
    assert item["run_id"] == run.id
    assert item["TRACKINGID"] == run.ids["TRACKINGID"]
    approve(platform, run)
    platform.run_until_idle()
    assert [parse(s.body).code for s in recorder.sent] == ["N401"]
    assert inbox.items() == []


def test_finished_runs_kept_in_memory_are_bounded(
    platform: MockPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory holds the newest runs and every run waiting for a moderator; an older run is
    read back from the store."""
    import mockserver.runs as runs_module

    monkeypatch.setattr(runs_module, "MAX_LIVE_RUNS", 3)
    held = platform.run_scenario("mms-mo-moderated", seed=1)
    started = [platform.run_scenario("sms-mo", seed=n)["run_id"] for n in range(5)]
    registry = runs_of(platform)
    assert len(registry) == 4  # the held run and the newest 3 others
    assert registry.started == 6
    assert registry.get(held["run_id"]) is not None  # waiting for a moderator: kept
    assert [registry.get(r) is not None for r in started] == [False, False, True, True, True]
    old = platform.run(started[0])
    assert old is not None
    assert [p["code"] for p in old["postbacks"]] == ["N211"]  # from the store


def test_runs_set_aside_for_a_moderator_are_dropped_once_decided(
    platform: MockPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A held run that ages out is set aside, not dropped; once a moderator decides it, a
    later sweep lets it go, so memory stays bounded under a steady stream of moderated runs."""
    import mockserver.runs as runs_module

    monkeypatch.setattr(runs_module, "MAX_LIVE_RUNS", 3)
    registry = runs_of(platform)
    started: list[str] = []
    for n in range(80):
        started.append(platform.run_scenario("mms-mo-moderated", seed=n)["run_id"])
        if n >= 5:
            old = registry.get(started[n - 5])
            assert old is not None  # still waiting: kept although it aged out
            reject(platform, old)
    assert len(registry) < 40
    assert all(registry.get(run_id) is not None for run_id in started[-5:])
