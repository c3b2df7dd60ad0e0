"""The OpenAPI document is valid and lists exactly the real routes."""

from __future__ import annotations

import re

from flask import Flask
from openapi_spec_validator import validate


def test_document_is_valid_openapi_31(app: Flask) -> None:
    document = app.test_client().get("/mock/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_paths_match_the_routes(app: Flask) -> None:
    document = app.test_client().get("/mock/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    real = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/mock/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/mock/api/v1") :])
        real |= {(path, m) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    assert documented == real
