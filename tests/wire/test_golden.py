"""Every anatomy printed in the seeds, rendered from the seed's own values, equals the seed."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import wire
from tests.wire.seeds import SEEDS, extract, golden

GOLDEN = golden()


def normalise(text: str) -> list[str]:
    """Indentation is not meaningful (PLATFORM.md 2.4); everything else is compared."""
    return [line.lstrip() for line in text.strip("\n").split("\n")]


#: golden stem -> (flavour, render options) that reproduce the seed exactly
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "sky_sms_n201": ("skycore-xml", {}),
    "sky_sms_n202": ("skycore-xml", {}),
    "sky_n101_binary": ("skycore-xml", {"quirks": ["xsi-trailing-space"]}),
    "sky_n102_binary": ("skycore-xml", {}),
    "sky_n101_xhtml": ("skycore-xml", {}),
    "sky_n202_xhtml": ("skycore-xml", {"quirks": ["xsi-trailing-space"]}),
    "sky_n101_degraded": ("skycore-xml", {}),
    "sky_n202_degraded": ("skycore-xml", {}),
    "sky_n003": ("skycore-xml", {}),
    "sky_e002": ("skycore-xml", {}),
    "sky_n211_seed000": ("skycore-xml", {}),
    "sky_n211_seed001": ("skycore-xml", {"revision": "sky-b"}),
    "sky_n401_seed000": ("skycore-xml", {}),
    "sky_n401_seed001": ("skycore-xml", {}),
    "sinch_n401_seed003": ("sinch-xml", {}),
    "sinch_n401_seed004": ("sinch-xml", {}),
}


def test_every_golden_file_has_a_case() -> None:
    assert set(GOLDEN) == set(CASES) | {"sky_e101", "legacy_bundle_n211"}


@pytest.mark.parametrize("stem", sorted(CASES))
def test_render_reproduces_seed(stem: str) -> None:
    flavor, options = CASES[stem]
    seed = GOLDEN[stem]
    postback = wire.parse(seed.encode())
    body = wire.render(
        postback.code, {"ORIGIN": postback.origin, **postback.fields}, flavor, **options
    )
    assert normalise(body.decode()) == normalise(seed)


@pytest.mark.parametrize("stem", ["sky_n101_binary", "sky_n202_xhtml"])
def test_trailing_space_only_with_its_quirk(stem: str) -> None:
    postback = wire.parse(GOLDEN[stem].encode())
    plain = wire.render(postback.code, {"ORIGIN": postback.origin, **postback.fields})
    assert 'XMLSchema-instance"\n' in plain.decode()
    assert normalise(plain.decode()) == [line.rstrip() for line in normalise(GOLDEN[stem])]


E101_FIELDS = {
    "STATUS": "Message Failed",
    "MMSID": "39755",
    "TO": "16502424956",
    "TRACKINGID": "TU1TXzU5Nzg3Nw==",
    "SPID": "0001140",
    "STATUSDETAILS": "Error fetching object(Database Error: Could not find number/email "
    "imported in database)",
}


def test_e101_typo_reproduced_only_with_its_quirk() -> None:
    seed = GOLDEN["sky_e101"]
    with pytest.raises(wire.ParseError, match="not well-formed"):
        wire.parse(seed.encode())
    quirky = wire.render("E101", E101_FIELDS, quirks=["unclosed-statusdetails"])
    assert normalise(quirky.decode()) == normalise(seed)
    fixed = wire.render("E101", E101_FIELDS).decode()
    expected = seed.replace("database)\n", "database)</STATUSDETAILS>\n")
    assert normalise(fixed) == normalise(expected)
    assert wire.parse(fixed.encode()).fields == E101_FIELDS


def test_legacy_bundle_reproduced() -> None:
    seed = GOLDEN["legacy_bundle_n211"]
    straight = seed.replace("\u201d", '"').replace("\u2033", '"')
    entries = wire.parse_bundle(straight.encode())
    assert [e.id for e in entries] == ["264"]
    assert entries[0].postback.fields["TEXT"] == "STOP"
    assert normalise(wire.render_bundle(entries).decode()) == normalise(straight)
    quirky = wire.render_bundle(entries, quirks=["typographic-quotes"]).decode()
    assert normalise(quirky) == normalise(seed)


def test_seed_n401_seed000_and_001_agree() -> None:
    a = wire.parse(GOLDEN["sky_n401_seed000"].encode())
    b = wire.parse(GOLDEN["sky_n401_seed001"].encode())
    assert a == b
    assert a.fields["CONTENT"] == ["URL of Content Here"] * 3


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents are not beside this checkout")
def test_golden_files_match_seeds() -> None:
    assert extract() == GOLDEN
