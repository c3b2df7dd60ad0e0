"""Settings: defaults, validation messages, replace."""

from __future__ import annotations

import pytest

from mockserver.config import MAX_RETRY_DELAY, ConfigError, Settings


def test_defaults_follow_the_documented_policy():
    s = Settings()
    assert (s.host, s.port, s.flavor, s.body_mode, s.clock) == (
        "127.0.0.1",
        8055,
        "skycore-xml",
        "raw",
        "real",
    )
    assert s.max_attempts == 6
    assert s.retry_delay(1) == 300.0
    assert s.timeout == 10.0
    assert s.success == "200"


def test_total_mode_and_backoff():
    s = Settings(retry_mode="total", retry_backoff=2.0, retry_interval=10)
    assert s.max_attempts == 5
    assert [s.retry_delay(n) for n in (1, 2, 3)] == [10, 20, 40]


def test_url_for():
    s = Settings(postback_url="http://a/x", mo_postback_url="http://b/mo")
    assert s.url_for(is_mo=True) == "http://b/mo"
    assert s.url_for(is_mo=False) == "http://a/x"
    assert Settings(postback_url="http://a/x").url_for(is_mo=True) == "http://a/x"


@pytest.mark.parametrize(
    ("changes", "setting", "hint"),
    [
        ({"flavor": "xml"}, "flavor", "skycore-xml"),
        ({"clock": "fast"}, "clock", "virtual"),
        ({"time_scale": 0}, "time_scale", "more than zero"),
        ({"timeout": -1}, "timeout", "more than zero"),
        ({"port": 70000}, "port", "0 to 65535"),
        ({"workers": 0}, "workers", "1 to 512"),
        ({"postback_url": "localhost:5000"}, "postback_url", "http://"),
        ({"retry_mode": "total", "retry_attempts": 0}, "retry_attempts", "1 to"),
        ({"seed": "abc"}, "seed", "integer"),
        ({"colour": "red"}, "colour", "unknown setting"),
        ({"retry_interval": 0, "retry_backoff": 1e300}, "retry_backoff", "at most 10"),
        ({"retry_interval": 1e9}, "retry_interval", "7 days"),
        ({"retry_interval": float("inf")}, "retry_interval", "zero or more"),
        ({"retry_backoff": float("nan")}, "retry_backoff", "more than zero"),
        ({"retry_backoff": 10, "retry_attempts": 20}, "retry_backoff", "7 days"),
    ],
)
def test_validation_names_the_setting_and_the_fix(changes, setting, hint):
    with pytest.raises(ConfigError, match=hint) as info:
        Settings().replace(**changes)
    assert info.value.setting == setting
    assert setting in str(info.value)


def test_replace_keeps_other_values_and_tuples_scenarios():
    s = Settings(postback_url="http://a/x").replace(scenarios=["x", "y"], time_scale=0.1)
    assert s.postback_url == "http://a/x"
    assert s.scenarios == ("x", "y")
    assert s.as_dict()["time_scale"] == 0.1


def test_every_retry_delay_the_policy_allows_is_finite_and_bounded():
    """Issue 11 fault 1: the policy that killed the scheduler with an OverflowError."""
    s = Settings(retry_interval=300, retry_backoff=10, retry_attempts=4)
    assert [s.retry_delay(n) for n in (1, 2, 3, 4)] == [300, 3000, 30000, 300000]
    assert s.retry_delay(10_000) == MAX_RETRY_DELAY  # never an OverflowError
    assert Settings(retry_interval=0, retry_backoff=10).retry_delay(500) == 0
