"""Seeds exact by default: every anatomy printed in the seed documents comes out of a built-in
scenario, run through the server's own path (control API, engine, HTTP delivery to a live
receiver) with the server on its defaults, when the run's vars are the seed's values.

Compared element for element, in order, with their values. Two things are normalised, both
outside the elements: indentation and line-end spaces (PLATFORM.md 2.4, decision 30), and the
time values, which are the run's clock (each is checked to have the seed's format instead).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.platform import MockPlatform
from tests.receiver import Receiver
from tests.wire.seeds import golden

GOLDEN = golden()
ISO = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}"
LEGACY = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}"
TIME = re.compile(f'(?<=>)({ISO}|{LEGACY})(?=<)|(?<=created=")({LEGACY})(?=")')

SMS_MT = {"to": "16503333058", "tracking_id": "U01TXzgwNjc4", "spid": "0001470",
          "aggregator_id": "11529-64807-97508-73852-97658"}  # fmt: skip
BINARY = {"to": "16501112222", "mmsid": "39597", "tracking_id": "TU1TXzU5Nzg3OQ==",
          "spid": "0001570", "handset": "motol7c",
          "aggregator_id": "11529-64807-97508-73852-97658"}  # fmt: skip
XHTML = {"to": "16502424956", "mmsid": "39755", "tracking_id": "TU1TXzU5Nzg3Nw==",
         "spid": "0001140", "aggregator_id": "11529-64807-97508-73852-97658"}  # fmt: skip
MMS_MO = {"from": "13217949521", "to": "74700", "keyword": "all",
          "tracking_id": "MMS_MO_iLnCRrL6", "spid": "0001470", "subject": "Hello there",
          "content": ["URL of Content Here"] * 3}  # fmt: skip
SINCH_MO = {
    "flavor": "sinch-xml",
    "vars": {**MMS_MO, "from": "14082257140", "to": "28444", "spid": "31002", "subject": ""},
}
E101_REASON = (
    "Error fetching object(Database Error: Could not find number/email imported in database)"
)

#: scenario, run body, the golden anatomies its postbacks equal, in order
CASES: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "sms-mt": ("sms-delivered", {"vars": SMS_MT}, ["sky_sms_n201", "sky_sms_n202"]),
    "binary": ("mms-binary-delivered", {"vars": BINARY}, ["sky_n101_binary", "sky_n102_binary"]),
    "xhtml": ("mms-xhtml-delivered", {"vars": XHTML}, ["sky_n101_xhtml", "sky_n202_xhtml"]),
    "degraded": (
        "mms-degraded-to-xhtml",
        {"vars": XHTML},
        ["sky_n101_degraded", "sky_n202_degraded"],
    ),
    "e101": (
        "mms-send-failed",
        {"vars": {**XHTML, "aggregator_id": None, "reason": E101_REASON}},
        ["sky_e101"],
    ),
    "n003": ("mms-save-ok", {"vars": {"mmsid": "35674"}}, ["sky_n003"]),
    "e002": (
        "mms-save-audio-failed",
        {"vars": {"mmsid": "35674", "audio_name": "sample.mp3"}},
        ["sky_e002"],
    ),
    "n211-seed000": (
        "sms-mo",
        {"vars": {"from": "16311112222", "to": "60856", "text": "MYKEYCODE"}},
        ["sky_n211_seed000"],
    ),
    "n211-seed001": (
        "sms-mo",
        {
            "revision": "sky-b",
            "vars": {
                "from": "15552312102",
                "to": "86717",
                "text": "STOP",
                "transaction_id": "511XG-02294-192SA-482H8",
            },
        },
        ["sky_n211_seed001"],
    ),
    "bundle": (
        "sms-mo-legacy-bundle",
        {"vars": {"from": "15552312102", "to": "86717", "text": "STOP", "notification_id": "264"}},
        ["legacy_bundle_n211"],
    ),
    "n401-seed000": ("mms-mo", {"vars": MMS_MO}, ["sky_n401_seed000"]),
    "n401-seed001": ("mms-mo", {"vars": MMS_MO}, ["sky_n401_seed001"]),
    "sinch-n401-seed003": ("mms-mo", SINCH_MO, ["sinch_n401_seed003"]),
    "sinch-n401-seed004": ("mms-mo", SINCH_MO, ["sinch_n401_seed004"]),
}


def seed_text(stem: str) -> str:
    """The anatomy as printed, with the document typos that are opt-in quirks (section 12,
    decisions 1 and 3) written the well-formed way the simulator writes them by default."""
    text = GOLDEN[stem]
    if stem == "sky_e101":
        text = text.replace("database)\n", "database)</STATUSDETAILS>\n")
    return text.replace("\u201d", '"').replace("\u2033", '"')


def comparable(text: str) -> list[str]:
    """Lines without indentation or line-end spaces; time values checked and masked."""
    lines = [line.strip() for line in text.strip("\n").split("\n")]
    return [TIME.sub("<time>", line) for line in lines]


def test_every_seed_anatomy_has_a_case() -> None:
    covered = {stem for _, _, stems in CASES.values() for stem in stems}
    assert covered == set(GOLDEN)


@pytest.mark.parametrize("case", sorted(CASES))
def test_seed_comes_out_of_its_scenario(
    case: str, client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    scenario, body, stems = CASES[case]
    body = {**body, "vars": {k: v for k, v in body["vars"].items() if v is not None}}
    response = client.post(f"/mock/api/v1/scenarios/{scenario}/runs", json=body)
    assert response.status_code == 201, response.get_json()
    platform.run_until_idle()
    received = [b.decode("utf-8") for b in receiver.bodies()]
    assert len(received) == len(stems)
    for got, stem in zip(received, stems, strict=True):
        expected = seed_text(stem)
        assert len(TIME.findall(got)) == len(TIME.findall(expected)), "time values differ"
        assert comparable(got) == comparable(expected), stem


def test_times_keep_the_seed_format() -> None:
    assert comparable("<TIMESTAMP>2013-11-05T05:41:08-05:00</TIMESTAMP>") == [
        "<TIMESTAMP><time></TIMESTAMP>"
    ]
    assert comparable("<TIMESTAMP>2013-11-05 05:41:08</TIMESTAMP>") == [
        "<TIMESTAMP>2013-11-05 05:41:08</TIMESTAMP>"
    ]
