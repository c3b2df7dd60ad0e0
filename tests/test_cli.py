"""``mockserver list`` and ``mockserver validate`` (usable without a server)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mockserver.cli import main

BAD = "name: x\ndescription: d\nkind: mt\nvars: {mmsid: '1'}\nsteps:\n  - postback: N104\n"


def test_list_shows_builtins_with_codes_and_descriptions() -> None:
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0, result.output
    assert "mms-binary-expired  [mt]  N101 N102  (sky-legacy, sky-a, sky-b" in result.output
    assert "branches (--pin): delivered, expired, rejected, failed" in result.output
    assert "the carrier reports expiry" in result.output


def test_list_with_an_extra_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(BAD.replace("N104", "N003").replace("x", "mine"))
    result = CliRunner().invoke(main, ["list", "--scenarios", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "mine  [mt]  N003" in result.output


def test_validate_ok(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BAD.replace("N104", "N003"))
    result = CliRunner().invoke(main, ["validate", str(good)])
    assert result.exit_code == 0
    assert "ok: 1 scenario(s) valid" in result.output


def test_validate_reports_file_line_column_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "mms.yaml"
    bad.write_text(BAD)
    result = CliRunner().invoke(main, ["validate", str(bad), str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1
    assert f"unknown code N104 at {bad}:6:15; did you mean N102?" in result.output
    assert "no such file" in result.output


def test_validate_builtin_folder_and_duplicate_names(tmp_path: Path) -> None:
    builtins = Path(__file__).resolve().parent.parent / "scenarios"
    assert CliRunner().invoke(main, ["validate", str(builtins)]).exit_code == 0
    (tmp_path / "a.yaml").write_text(BAD.replace("N104", "N003"))
    (tmp_path / "b.yaml").write_text(BAD.replace("N104", "N003"))
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "name 'x' is also used by" in result.output
