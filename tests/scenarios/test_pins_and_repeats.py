"""Pinning a choose branch by its label; repeat count and rate from a run's vars."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.scenarios import Library, ScenarioError, loads, plan
from tests import conformance
from tests.scenarios.conftest import START


@pytest.mark.parametrize("label", ["delivered", "expired", "rejected", "failed"])
def test_a_pinned_label_is_taken_in_every_iteration(library: Library, label: str) -> None:
    mixed = library.get("mixed-traffic")
    for seed in (1, 2, 3):
        p = plan(mixed, seed=seed, now=START, pins=[label])
        assert p.choices == (label,) * 20
        assert p.pins == (label,)


def test_pinning_writes_the_revision_of_the_pinned_outcome(library: Library) -> None:
    rejected = plan(library.get("mixed-traffic"), seed=1, now=START, pins=["rejected"])
    assert set(rejected.codes()) == {"N101", "N102"}  # sky-a: the rejection is an N102
    sky_b = plan(
        library.get("mixed-traffic"), seed=1, now=START, pins=["rejected"], revision="sky-b"
    )
    assert set(sky_b.codes()) == {"N101", "E102"}


def test_an_unknown_label_lists_the_labels(library: Library) -> None:
    with pytest.raises(ScenarioError, match=r"no branch labelled 'rejcted'.*delivered, expired"):
        plan(library.get("mixed-traffic"), seed=1, now=START, pins=["rejcted"])
    with pytest.raises(ScenarioError, match=r"none \(it has no choose step\)"):
        plan(library.get("sms-delivered"), seed=1, now=START, pins=["x"])


def test_two_pins_in_one_choose_are_refused(library: Library) -> None:
    with pytest.raises(ScenarioError, match="pin one branch per choose"):
        plan(library.get("mixed-traffic"), seed=1, now=START, pins=["expired", "rejected"])


def test_pinning_through_the_platform() -> None:
    with MockPlatform(Settings(clock="virtual", data_dir=":memory:")) as platform:
        run = platform.run_scenario("sms-not-delivered", seed=5, pins=["expired"])
        assert run["choices"] == ["expired"]
        assert run["pins"] == ["expired"]
        assert run["revision"] == "sky-a"


def test_repeat_count_and_rate_come_from_the_run_vars(library: Library) -> None:
    burst = library.get("load-burst")
    p = plan(burst, {"count": "7", "rate": "2/s"}, seed=1, now=START)
    sent = [x for x in p.postbacks if x.code == "N201"]
    assert len(sent) == 7
    assert sent[1].offset - sent[0].offset == pytest.approx(0.5)
    as_fast = plan(burst, {"count": "5", "rate": "max"}, seed=1, now=START)
    assert {x.offset for x in as_fast.postbacks if x.code == "N201"} == {0.0}
    assert len(plan(burst, seed=1, now=START).postbacks) == 400  # the defaults: 200 at 50/s


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"count": "lots"}, r"repeat count 'lots' is not a whole number at .*load-burst"),
        ({"count": "0"}, r"repeat count 0 is out of range.*use 1 to 100000"),
        ({"rate": "fast"}, r"repeat rate 'fast' cannot be read.*10/s.*max"),
    ],
)
def test_bad_run_values_for_a_repeat_are_clear(
    library: Library, overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        plan(library.get("load-burst"), overrides, seed=1, now=START)


def test_every_templated_repeat() -> None:
    text = (
        "name: t\ndescription: d\nkind: mt\n"
        "vars: {gap: 250ms, n: '3', mmsid: '1'}\n"
        "steps:\n  - repeat:\n      count: '{{ vars.n }}'\n      every: '{{ vars.gap }}'\n"
        "      steps: [{event: mms.saved}]\n"
    )
    p = plan(loads(text), seed=1, now=START)
    assert [x.offset for x in p.postbacks] == pytest.approx([0.0, 0.25, 0.5])


def test_the_cli_pins_and_passes_repeat_vars(tmp_path: Path) -> None:
    """`mockserver run` without a receiver: every postback fails, but the run's header and
    summary show what was pinned and how many were planned."""
    result = CliRunner().invoke(
        main,
        ["run", "load-burst", "--to", "http://127.0.0.1:9/x", "--clock", "virtual",
         "--retry-interval", "0", "--var", "count=3", "--var", "rate=max", "--seed", "1"],
    )  # fmt: skip
    assert "6 postback(s)" in result.output, result.output
    assert "revision sky-a" in result.output
    result = CliRunner().invoke(
        main,
        ["run", "mixed-traffic", "--to", "http://127.0.0.1:9/x", "--clock", "virtual",
         "--retry-interval", "0", "--pin", "nope"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no branch labelled 'nope'" in result.output


def test_validate_checks_another_revision_on_request(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\ndescription: d\nkind: mt\nvars: {to: '1', tracking_id: t, spid: '1'}\n"
        "steps:\n  - event: sms.sent\n"
    )
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", str(path), "--revision", "sky-b"])
    assert result.exit_code == 1
    assert f"would lack FROM, which sky-b requires at {path}:6:5" in result.output


def test_an_explicit_code_is_written_as_given_in_one_revision() -> None:
    """`postback: E102` under sky-a (whose documents have no E102): E102, wholly in sky-b."""
    text = (
        "name: t\ndescription: d\nkind: mt\n"
        "vars: {to: '1', from: '2', mmsid: '3', tracking_id: t, spid: s}\n"
        "steps:\n  - postback: N101\n  - postback: E102\n"
        "    fields: {STATUS: Message Sent/Expired}\n"
    )
    sent = plan(loads(text), seed=1, now=START).sent()
    assert [p.code for p in sent] == ["N101", "E102"]
    conformance.check(sent[0].body, "sky-a")
    conformance.check(sent[1].body, "sky-b")
    assert b"<FROM>2</FROM>" in sent[1].body
    assert b"<FROM>" not in sent[0].body
