"""``mockserver run`` (click runner and a real subprocess) and --help on every command."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from mockserver import wire
from mockserver.cli import main
from tests.receiver import Receiver


def test_run_delivers_and_summarises(receiver: Receiver) -> None:
    args = ["run", "sms-delivered", "--to", receiver.url(), "--clock", "virtual", "--seed", "4"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert [wire.parse(b).code for b in receiver.bodies()] == ["N201", "N202"]
    assert "attempt 1 -> 200" in result.output
    table = result.output.split("code", 1)[1]
    assert "N201" in table
    assert table.count("delivered") == 2


def test_run_exits_1_when_a_postback_fails(receiver: Receiver) -> None:
    receiver.plan("/postback", 500)
    args = ["run", "sms-failed", "--to", receiver.url(), "--clock", "virtual"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "(will retry)" in result.output
    assert "failed" in result.output.split("code", 1)[1]
    assert len(receiver.bodies()) == 6


def test_run_moderated_scenario_approves_or_rejects(receiver: Receiver) -> None:
    base = ["run", "mms-mo-moderated", "--to", receiver.url(), "--clock", "virtual"]
    approved = CliRunner().invoke(main, base)
    assert approved.exit_code == 0, approved.output
    assert "moderation: approved" in approved.output
    assert [wire.parse(b).code for b in receiver.bodies()] == ["N401"]
    rejected = CliRunner().invoke(main, [*base, "--moderation", "reject"])
    assert "moderation: rejected" in rejected.output
    assert len(receiver.bodies()) == 1


def test_run_vars_flavor_and_errors(receiver: Receiver) -> None:
    args = ["run", "mms-binary-delivered", "--to", receiver.url(), "--clock", "virtual",
            "--flavor", "sinch-json", "--var", "to=15550001111"]  # fmt: skip
    assert CliRunner().invoke(main, args).exit_code == 0
    assert {wire.parse(b).fields["TO"] for b in receiver.bodies()} == {"15550001111"}
    unknown = CliRunner().invoke(main, ["run", "nope", "--to", receiver.url()])
    assert unknown.exit_code == 1
    assert "unknown scenario 'nope'" in unknown.output
    bad_var = CliRunner().invoke(main, ["run", "sms-mo", "--to", receiver.url(), "--var", "x"])
    assert bad_var.exit_code == 2
    assert "NAME=VALUE" in bad_var.output
    bad_url = CliRunner().invoke(main, ["run", "sms-mo", "--to", "localhost:5000"])
    assert bad_url.exit_code == 2
    assert "is not an http(s) URL" in bad_url.output


@pytest.mark.slow
def test_run_as_a_real_subprocess(receiver: Receiver) -> None:
    command = [sys.executable, "-m", "mockserver", "run", "mms-binary-expired", "--to",
               receiver.url(), "--time-scale", "0.0005", "--seed", "2"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    parsed = [wire.parse(b) for b in receiver.bodies()]
    assert [p.code for p in parsed] == ["N101", "N102"]
    assert parsed[0].fields["TRACKINGID"] == parsed[1].fields["TRACKINGID"]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)), ids=" ".join)
def test_every_command_has_help_with_examples(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, result.output
