"""The other exact examples of PLATFORM.md section 4 (SKY-B, Sinch XML, JSON) render identically.

The examples are copied verbatim from ../shared/spec/PLATFORM.md into tests/wire/golden/spec/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver import wire
from tests.wire.seeds import GOLDEN

EXAMPLES = {p.stem: p.read_text(encoding="utf-8") for p in sorted((GOLDEN / "spec").iterdir())}

XML_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "skyb_sms_n202_sendsms": ("skycore-xml", {"revision": "sky-b"}),
    "sinch_n101_binary": ("sinch-xml", {}),
    "sinch_n101_html": ("sinch-xml", {}),
    "sinch_n102_binary": ("sinch-xml", {}),
    "sinch_n102_html": ("sinch-xml", {}),
    "sinch_e101": ("sinch-xml", {}),
    "skyb_e102": ("skycore-xml", {"revision": "sky-b"}),
    "sinch_n501": ("sinch-xml", {}),
    "sinch_n003": ("sinch-xml", {}),
    "sinch_e002": ("sinch-xml", {}),
    "skyb_n401_unwrapped": ("skycore-xml", {"revision": "sky-b"}),
}
JSON_CASES = ["skyv2_json_sms_n201", "skyv2_json_sms_mo", "sinch_json_n401"]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


@pytest.mark.parametrize("name", sorted(XML_CASES))
def test_xml_example(name: str) -> None:
    flavor, options = XML_CASES[name]
    postback = wire.parse(EXAMPLES[name])
    assert postback.flavor == flavor
    body = wire.render(
        postback.code, {"ORIGIN": postback.origin, **postback.fields}, flavor, **options
    )
    assert lines(body.decode()) == lines(EXAMPLES[name])


@pytest.mark.parametrize("name", JSON_CASES)
def test_json_example_keys_values_and_order(name: str) -> None:
    postback = wire.parse(EXAMPLES[name])
    body = wire.render(postback.code, {"ORIGIN": postback.origin, **postback.fields}, "sinch-json")
    assert list(json.loads(body).items()) == list(json.loads(EXAMPLES[name]).items())


def test_sky_b_from_mask_typo_only_with_its_quirk() -> None:
    text = EXAMPLES["skyb_sms_n201_frommask_quirk"]
    with pytest.raises(wire.ParseError):
        wire.parse(text)
    fields = {"FROM": "60856", "FROM_MASK": "", "TO": "16503333058", "TRACKINGID": "U01TXzgwNjc4",
              "SPID": "0001470", "TIMESTAMP": "2013-11-05T05:41:08-05:00"}  # fmt: skip
    body = wire.render("N201", fields, revision="sky-b", quirks=["from-mask-double-open"])
    assert lines(body.decode()) == lines(text)


def test_skycore_v2_mms_mo_json_parses_in_its_own_key_order() -> None:
    postback = wire.parse(EXAMPLES["skyv2_json_mms_mo"])
    assert postback.fields["SUBJECT"] == "DEMO"
    assert postback.fields["CONTENT"][-1].endswith("smil003.smil")
