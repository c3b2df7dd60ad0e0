"""docs/wire.md cannot drift from the catalogue, and its example runs."""

from __future__ import annotations

import re

from mockserver.wire import docgen


def test_generated_sections_are_up_to_date() -> None:
    current = docgen.DOC.read_text(encoding="utf-8")
    assert docgen.generate(current) == current, "run: python -m mockserver.wire.docgen"


def test_the_quick_example_runs() -> None:
    text = docgen.DOC.read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", text, re.S)
    assert snippet is not None
    exec(compile(snippet.group(1), "docs/wire.md", "exec"), {})


def test_check_mode_reports_drift(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "wire.md"
    stale.write_text(docgen.DOC.read_text(encoding="utf-8").replace("| SMS_MT/N201 |", "| X |"))
    monkeypatch.setattr(docgen, "DOC", stale)
    assert docgen.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert docgen.main([]) == 0
    assert docgen.main(["--check"]) == 0
