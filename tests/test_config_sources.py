"""Settings precedence: defaults < mockserver.toml < MOCKSERVER_* < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.config import ConfigError, Settings
from mockserver.config_sources import load_settings


def write(tmp_path: Path, text: str, name: str = "mockserver.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_source(tmp_path: Path) -> None:
    assert load_settings({}, environ={}, cwd=tmp_path) == Settings()


def test_precedence_file_env_flags(tmp_path: Path) -> None:
    write(tmp_path, 'port = 9001\nflavor = "sinch-xml"\ntime-scale = 0.5\nmoderation = true\n')
    env = {"MOCKSERVER_PORT": "9002", "MOCKSERVER_FLAVOR": "sinch-json"}
    settings = load_settings({"port": "9003"}, environ=env, cwd=tmp_path)
    assert settings.port == 9003  # flag beats env and file
    assert settings.flavor == "sinch-json"  # env beats file
    assert settings.time_scale == 0.5  # file beats default
    assert settings.moderation is True
    assert settings.retry_interval == 300.0  # default


def test_mockserver_table_and_explicit_config(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[mockserver]\npostback_url = "http://127.0.0.1:5000/pb"\n', "other.toml"
    )
    settings = load_settings({}, config=str(path), environ={}, cwd=tmp_path)
    assert settings.postback_url == "http://127.0.0.1:5000/pb"
    via_env = load_settings({}, environ={"MOCKSERVER_CONFIG": str(path)}, cwd=tmp_path)
    assert via_env.postback_url == settings.postback_url


@pytest.mark.parametrize(
    ("value", "expected"), [("on", True), ("off", False), ("TRUE", True), ("0", False)]
)
def test_switches(tmp_path: Path, value: str, expected: bool) -> None:
    assert load_settings({"moderation": value}, environ={}, cwd=tmp_path).moderation is expected


def test_lists_nones_and_numbers(tmp_path: Path) -> None:
    env = {"MOCKSERVER_SCENARIOS": "a:b", "MOCKSERVER_SEED": "42", "MOCKSERVER_TOKEN": ""}
    settings = load_settings({"postback_url": "none"}, environ=env, cwd=tmp_path)
    assert settings.scenarios == ("a", "b")
    assert settings.seed == 42
    assert settings.token is None
    assert settings.postback_url is None
    assert load_settings({"scenarios": ("x", "y")}, environ={}, cwd=tmp_path).scenarios == (
        "x",
        "y",
    )


@pytest.mark.parametrize(
    ("flags", "env", "toml", "message"),
    [
        ({"prot": "1"}, {}, None, "did you mean 'port'"),
        ({}, {"MOCKSERVER_FLAVOUR": "x"}, None, "environment variable MOCKSERVER_FLAVOUR"),
        ({"port": "eighty"}, {}, None, "from --port is not valid"),
        ({"moderation": "maybe"}, {}, None, "use on/off"),
        ({}, {}, "port = 'x'\n", "mockserver.toml is not valid"),
        ({}, {}, "port = \n", "not valid TOML"),
        ({}, {}, "colour = 1\n", "unknown setting in"),
        ({"flavor": "yaml"}, {}, None, "'yaml' is not one of"),
    ],
)
def test_errors_name_source_and_fix(
    tmp_path: Path, flags: dict[str, str], env: dict[str, str], toml: str | None, message: str
) -> None:
    if toml is not None:
        write(tmp_path, toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(flags, environ=env, cwd=tmp_path)


def test_missing_explicit_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({}, config=str(tmp_path / "nope.toml"), environ={}, cwd=tmp_path)


def test_client_variables_are_not_settings(tmp_path: Path) -> None:
    env = {"MOCKSERVER_SERVER": "http://127.0.0.1:8055", "PATH": "/bin"}
    assert load_settings({}, environ=env, cwd=tmp_path) == Settings()


def test_public_url_for_links_in_postbacks(tmp_path: Path) -> None:
    assert Settings().base_url == "http://127.0.0.1:8055"
    assert Settings(host="0.0.0.0", port=9000).base_url == "http://127.0.0.1:9000"
    assert Settings(host="::1").base_url == "http://[::1]:8055"
    given = load_settings({"public_url": "http://mockserver:8055/"}, environ={}, cwd=tmp_path)
    assert given.base_url == "http://mockserver:8055"
    with pytest.raises(ConfigError, match="public_url"):
        Settings(public_url="mockserver:8055")


def test_revision_from_every_source(tmp_path: Path) -> None:
    assert Settings().revision == "sky-a"  # the seed documents
    write(tmp_path, 'revision = "sky-legacy"\n')
    assert load_settings({}, environ={}, cwd=tmp_path).revision == "sky-legacy"
    env = {"MOCKSERVER_REVISION": "sky-b"}
    assert load_settings({}, environ=env, cwd=tmp_path).revision == "sky-b"
    assert load_settings({"revision": "sky-a"}, environ=env, cwd=tmp_path).revision == "sky-a"
    with pytest.raises(ConfigError, match=r"setting 'revision': 'sky-c' is not one of sky-a"):
        load_settings({"revision": "sky-c"}, environ={}, cwd=tmp_path)
