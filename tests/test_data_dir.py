"""``mockserver serve`` with a data dir it cannot use: one error line naming the setting and the
reason, exit code 2, nothing started (as with a port in use)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mockserver import serve as serve_module
from mockserver.cli import main
from mockserver.config import ConfigError
from mockserver.engine.store import DB_NAME
from mockserver.serve import check_data_dir


def _serve(data_dir: Path | str) -> Result:
    return CliRunner().invoke(main, ["serve", "--port", "0", "--data-dir", str(data_dir)])


def _error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    return errors[0]


def test_a_file_as_data_dir(tmp_path: Path) -> None:
    (tmp_path / "store").write_text("not a folder")
    line = _error_line(_serve(tmp_path / "store"))
    assert "setting 'data_dir'" in line
    assert "store is a file, not a folder; choose another --data-dir" in line
    assert (tmp_path / "store").read_text() == "not a folder"  # left as it was


def test_a_data_dir_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "store").write_text("")
    line = _error_line(_serve(tmp_path / "store" / "sub"))
    assert "cannot create" in line
    assert "Not a directory" in line


def _root_writes_anyway(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def test_a_read_only_data_dir(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if _root_writes_anyway(folder):
            pytest.skip("permissions do not bind this user (root): see the test below")
        line = _error_line(_serve(folder))
        assert "cannot write in" in line
        assert "Permission denied" in line
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_data_dir_that_refuses_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write probe failing, whatever the user (root ignores permission bits)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, os.strerror(13))

    monkeypatch.setattr(serve_module.tempfile, "TemporaryFile", refuse)
    line = _error_line(_serve(tmp_path))
    assert f"cannot write in {tmp_path}: Permission denied" in line


def test_a_store_sqlite_cannot_open(tmp_path: Path) -> None:
    (tmp_path / "garbage").mkdir()
    (tmp_path / "garbage" / DB_NAME).write_bytes(b"this is not an SQLite database" * 10)
    line = _error_line(_serve(tmp_path / "garbage"))
    assert "cannot open the store" in line
    assert "file is not a database" in line
    (tmp_path / "folder" / DB_NAME).mkdir(parents=True)
    assert "cannot open the store" in _error_line(_serve(tmp_path / "folder"))


def test_check_data_dir_creates_a_missing_folder(tmp_path: Path) -> None:
    check_data_dir(str(tmp_path / "a" / "b"))
    assert (tmp_path / "a" / "b").is_dir()
    assert list((tmp_path / "a" / "b").iterdir()) == []  # the probe leaves nothing
    check_data_dir(":memory:")
    with pytest.raises(ConfigError, match="is a file"):
        check_data_dir(__file__)
