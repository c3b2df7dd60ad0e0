"""Templates: the sandbox holds, errors are scenario errors with a location."""

from __future__ import annotations

import base64
import re
import string

import faker
import pytest

from mockserver.scenarios import ScenarioError, loads, plan
from mockserver.scenarios.provider import PlatformProvider
from mockserver.scenarios.templating import make_fake
from tests.scenarios.conftest import START

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ fake.__init__.__globals__ }}",
    "{{ fake._faker }}",
    "{{ fake.seed_instance(1) }}",
    "{{ fake.binary(length=100000000) }}",
    "{{ fake.factories }}",
    "{{ vars.__class__ }}",
    "{{ run.items.__self__ }}",
    "{{ now.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__ }}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 99999 }}",
    "{{ range(10**9) | list }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
]


def _scenario(value: str) -> str:
    return (
        "name: t\ndescription: d\nkind: mt\nvars:\n"
        f"  x: {value!r}\n"
        "steps:\n  - postback: N003\n    fields: {MMSID: '{{ vars.x }}'}\n"
    )


@pytest.mark.parametrize("attempt", ESCAPES)
def test_sandbox_escape_fails_cleanly(attempt: str) -> None:
    scenario = loads(_scenario(attempt), "evil.yaml")
    with pytest.raises(ScenarioError) as info:
        plan(scenario, seed=1, now=START)
    assert "evil.yaml:5:6" in str(info.value)


def test_an_undefined_var_is_caught_when_the_file_is_loaded() -> None:
    expected = r"undefined var 'nope' at u\.yaml:5:6; define it under vars"
    with pytest.raises(ScenarioError, match=expected):
        loads(_scenario("{{ vars.nope }}"), "u.yaml")
    with pytest.raises(ScenarioError, match=r"undefined name 'vras' at u\.yaml:5:6"):
        loads(_scenario("{{ vras.x }}"), "u.yaml")
    later = "name: t\ndescription: d\nkind: mt\nvars:\n  a: '{{ vars.b }}'\n  b: '1'\n"
    with pytest.raises(ScenarioError, match=r"undefined var 'b' at l\.yaml:5:6"):
        loads(later + "steps:\n  - postback: N003\n    fields: {MMSID: '1'}\n", "l.yaml")


def test_undefined_names_at_run_time_say_what_is_available() -> None:
    scenario = loads(_scenario("{{ ids.NOPE }}"), "u.yaml")
    expected = r"template error: .*NOPE.* at u\.yaml:5:6; available: .*fake"
    with pytest.raises(ScenarioError, match=expected):
        plan(scenario, seed=1, now=START)


def test_a_template_can_use_vars_ids_run_and_now() -> None:
    text = (
        "name: t\ndescription: d\nkind: mt\nvars:\n  mmsid: '{{ fake.mmsid() }}'\n"
        "steps:\n  - postback: N003\n  - postback: E002\n"
        "    fields: {AUDIONAME: '{{ ids.MMSID }}-{{ run.flavor }}-{{ now.year }}'}\n"
    )
    p = plan(loads(text), seed=1, now=START)
    assert p.postbacks[1].postback.fields["AUDIONAME"] == f"{p.ids['MMSID']}-skycore-xml-2024"


def test_provider_formats() -> None:
    fake = make_fake(1)
    assert re.fullmatch(r"1[2-9]\d\d[2-9]\d{6}", fake.msisdn())
    assert re.fullmatch(r"44\d{10}", fake.msisdn("GB"))
    assert re.fullmatch(r"\d{5,6}", fake.shortcode())
    assert re.fullmatch(r"18(00|33|44|55|66|77|88)\d{7}", fake.tollfree())
    assert re.fullmatch(r"1\d{10}", fake.longcode())
    assert fake.spid() in {"0001470", "0001890", "0001570", "0001650", "0001770"}
    assert fake.spid("CA").startswith("0001")
    assert fake.spid(carrier="Verizon Wireless") == "0001890"
    assert fake.carrier_name("0001470") == "AT&T"
    assert re.fullmatch(r"MMS_\d+", base64.b64decode(fake.tracking_id("MMS")).decode())
    assert re.fullmatch(r"SMS_\d+", base64.b64decode(fake.tracking_id()).decode())
    assert re.fullmatch(r"MMS_MO_[A-Za-z0-9]{8}", fake.mms_mo_id())
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){4}", fake.aggregator_id())
    assert re.fullmatch(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){3}", fake.transaction_id())
    assert isinstance(fake.mmsid(), int)
    assert fake.operator_id() in {"31002", "31003", "31004", "31005", "31062"}
    assert fake.handset()
    assert re.fullmatch(r"http://127\.0\.0\.1:8055/mock/media/\w{12}\.png", fake.media_url("png"))


def test_provider_is_seeded_and_flavour_aware() -> None:
    assert make_fake(3).msisdn() == make_fake(3).msisdn()
    assert make_fake(3, flavor="sinch-xml").spid() in {"31002", "31003", "31004", "31005", "31062"}
    assert make_fake(3, locale="en_GB").msisdn().startswith("44")
    assert (
        make_fake(3, media_base_url="http://x:1/").media_url().startswith("http://x:1/mock/media/")
    )


def test_tracking_ids_do_not_collide_within_a_run() -> None:
    fake = make_fake(8)
    ids = {fake.tracking_id("SMS") for _ in range(5000)}
    assert len(ids) == 5000


def test_fake_is_read_only() -> None:
    fake = make_fake(1)
    with pytest.raises(AttributeError):
        fake.msisdn = None  # type: ignore[method-assign]
    with pytest.raises(AttributeError, match="no value generator"):
        fake.random  # noqa: B018


def _aggregator_id_through_faker(provider: PlatformProvider) -> str:
    """aggregator_id as first written, with Faker's own helpers (the reference)."""
    if provider.random_int(0, 1):
        return "-".join(provider.numerify("#####") for _ in range(5))
    digits, upper = string.digits, string.ascii_uppercase
    groups = [provider._chars(digits, 4) + provider._chars(upper + digits, 1)]
    groups += [provider._chars(digits, 5) for _ in range(2)]
    groups.append(provider._chars(digits, 4) + provider._chars(upper, 1))
    return "-".join(groups)


def test_aggregator_id_draws_as_fakers_helpers_do() -> None:
    """The direct draws give, seed for seed, what Faker's numerify/random_element gave."""
    for seed in range(200):
        fast = make_fake(seed).aggregator_id()
        fake = faker.Faker("en_US")
        provider = PlatformProvider(fake.factories[0])
        fake.seed_instance(seed)
        assert fast == _aggregator_id_through_faker(provider)
