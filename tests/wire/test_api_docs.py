"""The curl examples of docs/api.md are requests the simulator accepts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from mockserver.wire.api import API_ERRORS, parse_request

DOC = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
GET_URLS = re.findall(r"curl '(http://127\.0\.0\.1:8055/API/wxml/1\.3/index\.php\?[^']+)'", DOC)
XML_FIELDS = re.findall(r"--data-urlencode 'xml=(.*?)'", DOC, re.DOTALL)
RAW_BODIES = re.findall(r"index\.php \\\n\s+-d '(.*?)'", DOC, re.DOTALL)
SINCH_XML = re.findall(r"/ep/v1/ -H 'Content-Type: text/xml' -d '(.*?)'", DOC, re.DOTALL)
SINCH_JSON = re.findall(r"-H 'x-api-key: KEY' -d '(.*?)'", DOC, re.DOTALL)


def test_examples_were_found() -> None:
    assert (len(GET_URLS), len(XML_FIELDS), len(RAW_BODIES)) == (7, 4, 1)
    assert (len(SINCH_XML), len(SINCH_JSON)) == (1, 1)


@pytest.mark.parametrize("url", GET_URLS)
def test_get_examples(url: str) -> None:
    query = dict(parse_qsl(urlsplit(url).query))
    assert parse_request("GET", query, {}, b"").api_key == "KEY"


@pytest.mark.parametrize("document", XML_FIELDS + RAW_BODIES)
def test_xml_examples(document: str) -> None:
    assert parse_request("POST", {}, {}, document.encode(), None).api_key == "KEY"


def test_sinch_examples() -> None:
    assert parse_request("POST", {}, {}, SINCH_XML[0].encode(), None, "sinch-xml").api_key == "KEY"
    request = parse_request(
        "POST", {}, {}, SINCH_JSON[0].encode(), None, "sinch-json", headers={"x-api-key": "KEY"}
    )
    assert request.action == "sendMMS"


def test_every_code_in_the_error_table_exists() -> None:
    table = DOC.split("## Error replies", 1)[1].split("## Where", 1)[0]
    for code in re.findall(r"\bE\d{3}\b", table):
        assert code in API_ERRORS, code
