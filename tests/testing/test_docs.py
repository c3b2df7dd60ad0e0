"""Every example of docs/pytest.md (a ```python block after ``<!-- example -->``) runs, as a
test module of its own, in one pytester session, and passes."""

from __future__ import annotations

import re
from pathlib import Path

from tests.testing.conftest import Runner

PAGE = Path(__file__).resolve().parents[2] / "docs" / "pytest.md"
EXAMPLE = re.compile(r"<!-- example -->\n```python\n(.*?)```", re.DOTALL)


def examples() -> list[str]:
    return EXAMPLE.findall(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_examples() -> None:
    assert len(examples()) >= 12


def test_every_example_passes(runner: Runner) -> None:
    found = examples()
    runner.makepyfile(**{f"test_doc_{i:02d}": code for i, code in enumerate(found)})
    result = runner.run("-q")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()
    assert outcomes.get("errors", 0) == 0, result.stdout.str()
    assert outcomes["passed"] >= len(found)


def test_the_readme_quotes_the_example_app_as_it_is() -> None:
    root = PAGE.parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- shop-notify-quote -->\n```python\n(.*?)```", readme, re.DOTALL)
    assert quoted is not None
    tests = root / "examples" / "shop-notify" / "tests" / "test_shop_notify.py"
    assert quoted.group(1) in tests.read_text(encoding="utf-8")
