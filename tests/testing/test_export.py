""" "Copy as pytest" on a run's timeline gives a test that replays the run with the plugin and
passes: the same seed, vars, flavour, revision and pins plan the same postbacks."""

from __future__ import annotations

import html
import re

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.receiver import Receiver
from tests.testing.conftest import Runner

EXPORT = re.compile(r'<pre class="body" id="export" tabindex="0">(.*?)</pre>', re.DOTALL)


def exported(receiver: Receiver, scenario: str, form: dict[str, str]) -> str:
    settings = Settings(clock="virtual", data_dir=":memory:", postback_url=receiver.url())
    with MockPlatform(settings) as platform:
        client = create_app(platform=platform).test_client()
        answer = client.post(f"/scenarios/{scenario}/run", data=form)
        assert answer.status_code == 303
        for item in platform.inbox.items():
            platform.inbox.approve(item["id"])
        platform.run_until_idle()
        page = client.get(answer.headers["Location"]).get_data(as_text=True)
    found = EXPORT.search(page)
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("scenario", "form", "codes"),
    [
        ("sms-not-delivered", {"pin": "expired", "seed": "5", "flavor": "sinch-json"},
         "['N201', 'E202']"),
        ("mms-binary-expired", {"revision": "sky-b", "var.mmsid": "MMS-FIXED-1"}, "'E102'"),
        ("mms-mo-moderated", {}, "['N401']"),
    ],
)  # fmt: skip
def test_the_exported_test_replays_the_run(
    runner: Runner, receiver: Receiver, scenario: str, form: dict[str, str], codes: str
) -> None:
    source = exported(receiver, scenario, form)
    assert codes in source
    runner.makepyfile(test_exported=source)
    result = runner.run("-q")
    result.assert_outcomes(passed=1)
