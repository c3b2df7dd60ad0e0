"""docs/control-api.md lists exactly the routes of the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from mockserver.web.openapi import routes_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "control-api.md"


def test_route_table_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    current = text.split("<!-- routes:start -->\n", 1)[1].split("\n<!-- routes:end -->", 1)[0]
    assert current == routes_table()
