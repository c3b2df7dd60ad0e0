"""The container set-up, checked without a Docker engine (there is none on the dev machine).

``docker-compose.yml`` and both Dockerfiles are parsed; every flag, variable, port, path and
healthcheck they use is checked against the real CLI, settings and Flask url maps; and the very
commands they run (host, port and paths swapped for local ones) are started outside a container,
wired together like compose wires them. The example receiver is also tested in-process.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
import yaml
from click.testing import CliRunner

from mockserver import wire
from mockserver.app import create_app
from mockserver.cli import main
from mockserver.config import ConfigError, Settings
from mockserver.config_sources import ENV_PREFIX, NOT_SETTINGS, load_settings, setting_names
from mockserver.scenarios import Library, ScenarioValidationError
from mockserver.serve import check_exposure
from mockserver.web.guard import rule_for
from tests.live import BannerProcess, LiveServer, wait_until

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
RECEIVER_DIR = ROOT / "examples" / "receiver"
RECEIVER_DOCKERFILE = RECEIVER_DIR / "Dockerfile"
TOKEN = "test-token-1234"


# -- reading the files -------------------------------------------------------------------------


def dockerfile(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order; continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, f"{path} ends inside a continued line"
    return instructions


def instruction(path: Path, keyword: str) -> str:
    """The last ``keyword`` instruction's arguments (Docker uses the last one)."""
    found = [rest for key, rest in dockerfile(path) if key == keyword]
    assert found, f"{path.name} has no {keyword}"
    return found[-1]


def exec_form(text: str) -> list[str]:
    """A JSON-array (exec form) instruction: the shell form would need a shell in the image."""
    value = json.loads(text)
    assert isinstance(value, list), f"not exec form: {text}"
    assert all(isinstance(v, str) for v in value)
    return value


def healthcheck_command(path: Path) -> list[str]:
    rest = instruction(path, "HEALTHCHECK")
    options, _, command = rest.partition("CMD ")
    assert re.fullmatch(r"(--[a-z-]+=\S+\s*)*", options), options
    return exec_form(command)


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def service(name: str) -> dict[str, Any]:
    found = compose()["services"][name]
    assert isinstance(found, dict)
    return found


_VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}`` against ``given``."""

    def one(match: re.Match[str]) -> str:
        name, kind, arg = match.groups()
        if given.get(name):
            return given[name]
        if kind == "-":
            return str(arg)
        raise AssertionError(f"{name} is required: {arg}")

    return _VARIABLE.sub(one, value)


def compose_environment(name: str, given: dict[str, str]) -> dict[str, str]:
    environment = service(name).get("environment", {})
    assert isinstance(environment, dict), "environment: use the mapping form"
    return {key: interpolate(str(value), given) for key, value in environment.items()}


def option_value(args: list[str], flag: str) -> str:
    assert args.count(flag) == 1, f"{flag} given {args.count(flag)} times in {args}"
    return args[args.index(flag) + 1]


def swapped(args: list[str], **values: str) -> list[str]:
    """``args`` with the value after each ``--flag`` replaced (``data_dir=`` for --data-dir)."""
    out = list(args)
    for name, value in values.items():
        flag = "--" + name.replace("_", "-")
        assert flag in out, f"{flag} missing from {args}"
        out[out.index(flag) + 1] = value
    return out


def serve_settings(args: list[str], environ: dict[str, str], cwd: Path) -> Settings:
    """What ``mockserver serve ARGS`` would run with, parsed by the real click command."""
    serve = main.commands["serve"]
    assert args[0] == "serve"
    context = serve.make_context("serve", args[1:])
    flags = {k: v for k, v in context.params.items() if k not in ("config", "insecure", "threads")}
    flags = {k: v for k, v in flags.items() if v not in (None, ())}
    return load_settings(flags, config=context.params["config"], environ=environ, cwd=cwd)


def published(port_spec: str) -> tuple[str, int, int]:
    host_ip, host_port, container_port = port_spec.split(":")
    return host_ip, int(host_port), int(container_port)


def health_url(command: list[str]) -> str:
    """The URL a ``python -c "...urlopen('URL'...)"`` healthcheck asks for."""
    assert command[:2] == ["python", "-c"], command
    (url,) = re.findall(r"urlopen\('([^']+)'", command[2])
    return str(url)


def load_receiver() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mockserver_example_receiver", RECEIVER_DIR / "receiver.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


receiver_module = load_receiver()


# -- docker-compose.yml ------------------------------------------------------------------------


def test_compose_file_has_the_two_services_wired_with_healthchecks() -> None:
    data = compose()
    assert set(data["services"]) == {"mockserver", "receiver"}
    mock, receiver = service("mockserver"), service("receiver")
    assert mock["build"] == "."
    assert receiver["build"] == {"context": ".", "dockerfile": "examples/receiver/Dockerfile"}
    assert mock["depends_on"] == {"receiver": {"condition": "service_healthy"}}
    for each in (mock, receiver):
        check = each["healthcheck"]
        assert check["test"][0] == "CMD"
        assert {"interval", "timeout", "retries"} <= set(check)
    assert option_value(mock["command"], "--postback-url") == "http://receiver:5000/postbacks"


def test_every_flag_in_the_compose_command_is_a_real_serve_option() -> None:
    serve = main.commands["serve"]
    options = {opt for param in serve.params for opt in param.opts}
    command = service("mockserver")["command"]
    assert command[0] == "serve"
    flags = [arg for arg in command if arg.startswith("-")]
    assert flags
    assert set(flags) <= options, set(flags) - options
    assert "--insecure" not in command  # a token instead: see the comment in the file


def test_every_compose_variable_is_a_real_setting_and_the_whole_thing_is_valid(
    tmp_path: Path,
) -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    assert set(setting_names()) == names
    environment = service("mockserver")["environment"]
    for key in environment:
        assert key.startswith(ENV_PREFIX)
        assert key not in NOT_SETTINGS
        assert key[len(ENV_PREFIX) :].lower() in names, key
    # the token has no default: compose refuses to start without one
    assert environment["MOCKSERVER_TOKEN"].startswith("${MOCKSERVER_TOKEN:?")
    with pytest.raises(AssertionError, match="MOCKSERVER_TOKEN is required"):
        compose_environment("mockserver", {})
    env = compose_environment("mockserver", {"MOCKSERVER_TOKEN": TOKEN})
    settings = serve_settings(service("mockserver")["command"], env, tmp_path)
    assert settings.token == TOKEN
    assert settings.host == "0.0.0.0"
    assert settings.data_dir == "/data"
    assert settings.scenarios == ("/scenarios",)
    assert settings.postback_url == "http://receiver:5000/postbacks"
    check_exposure(settings, insecure=False)  # the token makes 0.0.0.0 acceptable
    # the Host names the simulator is reached by: the published port, the compose service name
    hosts = rule_for(settings)
    assert all(hosts.allows(name) for name in ("127.0.0.1", "localhost", "mockserver"))


def test_ports_are_published_on_loopback_and_match_the_listening_ports() -> None:
    mock, receiver = service("mockserver"), service("receiver")
    (mock_port,) = mock["ports"]
    assert published(mock_port) == ("127.0.0.1", 8055, int(option_value(mock["command"], "--port")))
    (receiver_port,) = receiver["ports"]
    listens = int(option_value(receiver["command"], "--port"))
    assert published(receiver_port) == ("127.0.0.1", 5000, listens)
    postback_url = option_value(mock["command"], "--postback-url")
    postback_port = re.fullmatch(r"http://receiver:(\d+)/postbacks", postback_url)
    assert postback_port is not None
    assert int(postback_port.group(1)) == listens
    public = option_value(mock["command"], "--public-url")
    assert public == f"http://mockserver:{option_value(mock['command'], '--port')}"
    assert instruction(DOCKERFILE, "EXPOSE") == "8055"
    assert instruction(RECEIVER_DOCKERFILE, "EXPOSE") == str(listens)


def test_healthcheck_urls_are_routes_of_the_apps() -> None:
    app = create_app(Settings(data_dir=":memory:", clock="virtual"))
    try:
        adapter = app.url_map.bind("localhost")
        port = option_value(service("mockserver")["command"], "--port")
        commands = [service("mockserver")["healthcheck"]["test"][1:]]
        for command in [*commands, healthcheck_command(DOCKERFILE)]:
            url = health_url(command)
            assert url == f"http://127.0.0.1:{port}/mock/api/v1/health"
            endpoint, _ = adapter.match("/mock/api/v1/health", method="GET")
            assert endpoint == "control.health"
        token_app = create_app(Settings(data_dir=":memory:", clock="virtual", token=TOKEN))
        try:
            # the healthcheck holds no token: the route must stay open
            assert token_app.test_client().get("/mock/api/v1/health").status_code == 200
            assert token_app.test_client().get("/mock/api/v1/settings").status_code == 401
        finally:
            token_app.extensions["mockserver"].close()
    finally:
        app.extensions["mockserver"].close()
    receiver_app = receiver_module.create_app()
    adapter = receiver_app.url_map.bind("localhost")
    port = option_value(service("receiver")["command"], "--port")
    commands = [service("receiver")["healthcheck"]["test"][1:]]
    for command in [*commands, healthcheck_command(RECEIVER_DOCKERFILE)]:
        assert health_url(command) == f"http://127.0.0.1:{port}/health"
    assert adapter.match("/health", method="GET")[0] == "health"
    assert adapter.match("/postbacks", method="POST")[0] == "receive"


def test_scenario_mounts_the_built_ins_for_editing_and_an_extra_folder() -> None:
    volumes = service("mockserver")["volumes"]
    mounts = dict(v.removesuffix(":ro").split(":") for v in volumes)
    assert mounts["mockserver-data"] == "/data"
    assert "mockserver-data" in compose()["volumes"]
    # ./scenarios replaces the installed built-ins: the path the Dockerfile asserts at build
    # time, which is python<version of FROM>'s site-packages + pyproject's force-include
    built_in = mounts["./scenarios"]
    runs = [rest for key, rest in dockerfile(DOCKERFILE) if key == "RUN"]
    assert any(f"== '{built_in}'" in run for run in runs)
    (version,) = re.findall(r"^python:(\d+\.\d+)-slim$", instruction(DOCKERFILE, "FROM"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert built_in == f"/usr/local/lib/python{version}/site-packages/" + included["scenarios"]
    # the extra folder: what --scenarios names, holding scenarios with new names
    extra_source = next(src for src, dst in mounts.items() if dst == "/scenarios")
    assert option_value(service("mockserver")["command"], "--scenarios") == "/scenarios"
    folder = ROOT / extra_source
    assert folder.is_dir()
    assert list(folder.glob("*.yaml"))
    assert "hello-receiver" in Library([folder])
    # why ./scenarios is not given with --scenarios: names repeating a built-in are an error
    with pytest.raises(ScenarioValidationError, match="also used by"):
        Library([ROOT / "scenarios"])


# -- the Dockerfiles ---------------------------------------------------------------------------


def test_dockerfile_runs_the_console_script_as_a_non_root_user() -> None:
    assert instruction(DOCKERFILE, "FROM") == "python:3.11-slim"
    runs = [rest for key, rest in dockerfile(DOCKERFILE) if key == "RUN"]
    assert any(re.search(r"\bpip install \.(\s|$)", run) for run in runs)
    assert not any(re.search(r"pip install .*(-e|--editable)\b", run) for run in runs)
    assert instruction(DOCKERFILE, "USER") not in ("root", "0")
    assert exec_form(instruction(DOCKERFILE, "VOLUME")) == ["/data"]
    entrypoint = exec_form(instruction(DOCKERFILE, "ENTRYPOINT"))
    assert entrypoint == ["mockserver"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"] == {"mockserver": "mockserver.cli:main"}
    # the installed metadata (what `mockserver` on PATH runs) and `python -m mockserver`, used
    # by LiveServer below, are that same function
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="mockserver")
    assert script.value == "mockserver.cli:main"
    assert "from mockserver.cli import main" in (ROOT / "mockserver" / "__main__.py").read_text()
    cmd = exec_form(instruction(DOCKERFILE, "CMD"))
    assert cmd[0] in main.commands
    serve = main.commands["serve"]
    options = {opt for param in serve.params for opt in param.opts}
    assert {arg for arg in cmd if arg.startswith("-")} <= options
    assert option_value(cmd, "--host") == "0.0.0.0"
    assert option_value(cmd, "--data-dir") == "/data"
    assert "--insecure" not in cmd


def test_receiver_dockerfile_runs_the_example_with_its_real_options() -> None:
    assert instruction(RECEIVER_DOCKERFILE, "FROM") == "python:3.11-slim"
    assert instruction(RECEIVER_DOCKERFILE, "USER") not in ("root", "0")
    entrypoint = exec_form(instruction(RECEIVER_DOCKERFILE, "ENTRYPOINT"))
    assert entrypoint == ["python", "/app/receiver.py"]
    copies = [rest for key, rest in dockerfile(RECEIVER_DOCKERFILE) if key == "COPY"]
    assert "examples/receiver/receiver.py /app/receiver.py" in copies
    parser = receiver_module.build_parser()
    image_cmd = exec_form(instruction(RECEIVER_DOCKERFILE, "CMD"))
    for args in (image_cmd, service("receiver")["command"]):
        parsed = parser.parse_args(args)
        assert (parsed.host, parsed.port) == ("0.0.0.0", 5000)


def test_the_image_command_without_a_token_refuses_to_listen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cmd = exec_form(instruction(DOCKERFILE, "CMD"))
    # never start a real server on 0.0.0.0 (and /data) here, whatever the Dockerfile says
    if "--insecure" in cmd or cmd[0] != "serve":
        pytest.fail(f"the image's CMD would not refuse: {cmd}")
    clean = {"MOCKSERVER_TOKEN": None, "MOCKSERVER_CONFIG": None}
    result = CliRunner().invoke(main, cmd, env=clean)
    assert result.exit_code == 2, result.output
    assert "MOCKSERVER_TOKEN" in result.output
    assert "0.0.0.0 is reachable from other machines" in result.output
    assert not (tmp_path / ".mockserver").exists()
    with pytest.raises(ConfigError):
        check_exposure(serve_settings(cmd, {}, tmp_path), insecure=False)
    check_exposure(serve_settings(cmd, {"MOCKSERVER_TOKEN": TOKEN}, tmp_path), insecure=False)


def _ignored(patterns: list[str], path: str) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.removeprefix("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        hit = any(
            fnmatch.fnmatch(p, pattern) or fnmatch.fnmatch(p, pattern.removeprefix("**/"))
            for p in prefixes
        )
        if hit:
            ignored = not negate
    return ignored


def copied_sources(path: Path) -> list[str]:
    sources: list[str] = []
    for key, rest in dockerfile(path):
        if key == "COPY":
            *srcs, _ = rest.split()
            sources += [s for s in srcs if not s.startswith("--")]
    return sources


def test_dockerignore_keeps_everything_the_dockerfiles_copy() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (DOCKERFILE, RECEIVER_DOCKERFILE):
        for source in copied_sources(path):
            assert (ROOT / source).exists(), source
            assert not _ignored(patterns, source), f"{source} is in .dockerignore"
    assert _ignored(patterns, "tests/test_docker.py")
    assert _ignored(patterns, ".git/HEAD")
    assert _ignored(patterns, "mockserver/__pycache__/cli.cpython-311.pyc")


@pytest.mark.slow
def test_the_files_the_dockerfile_copies_build_a_complete_wheel(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mockserver")
    for source in copied_sources(DOCKERFILE):
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, context / source, ignore=ignore)
        else:
            shutil.copy2(ROOT / source, context / source)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(context)],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("mockserver-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "mockserver = mockserver.cli:main" in archive.read(entry_points).decode()
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        assert f"mockserver/_data/scenarios/{scenario.name}" in names
    assert any(n.startswith("mockserver/_data/templates/") for n in names)


# -- running the same commands outside a container ---------------------------------------------


class ReceiverProcess(BannerProcess):
    """``python examples/receiver/receiver.py ARGS`` with its port known once it listens."""

    def __init__(self, *args: str, timeout: float = 20.0) -> None:
        command = [sys.executable, "-u", str(RECEIVER_DIR / "receiver.py"), *args]
        super().__init__(command, timeout=timeout)

    def postbacks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = requests.get(self.url + "/postbacks.json", timeout=10).json()[
            "postbacks"
        ]
        return found


def run_healthcheck(command: list[str], port: int) -> subprocess.CompletedProcess[str]:
    """A ``python -c`` healthcheck, pointed at ``port`` instead of the container's."""
    code = re.sub(r"127\.0\.0\.1:\d+/", f"127.0.0.1:{port}/", command[2])
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


@pytest.fixture
def receiver_process() -> Iterator[ReceiverProcess]:
    args = swapped(service("receiver")["command"], host="127.0.0.1", port="0")
    found = ReceiverProcess(*args)
    yield found
    assert found.stop() == 0
    assert "receiver stopped" in "".join(found.lines)


@pytest.mark.slow
def test_the_image_command_starts_and_answers_its_healthcheck(tmp_path: Path) -> None:
    cmd = exec_form(instruction(DOCKERFILE, "CMD"))
    args = swapped(cmd, host="127.0.0.1", port="0", data_dir=str(tmp_path))
    server = LiveServer(*args[1:], env={"MOCKSERVER_TOKEN": TOKEN})
    try:
        health = server.api("GET", "/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert "token required" in server.output
        assert server.api("GET", "/settings").status_code == 401
        done = run_healthcheck(healthcheck_command(DOCKERFILE), port_of(server.url))
        assert done.returncode == 0, done.stderr
    finally:
        assert server.stop() == 0
    assert list(tmp_path.iterdir()), "nothing was stored in the data dir"
    failed = run_healthcheck(healthcheck_command(DOCKERFILE), port_of(server.url))
    assert failed.returncode != 0  # the healthcheck notices a stopped server


@pytest.mark.slow
def test_compose_commands_wired_together_deliver_postbacks(
    tmp_path: Path, receiver_process: ReceiverProcess
) -> None:
    check = service("receiver")["healthcheck"]["test"][1:]
    done = run_healthcheck(check, port_of(receiver_process.url))
    assert done.returncode == 0, done.stderr
    mounts = dict(v.removesuffix(":ro").split(":") for v in service("mockserver")["volumes"])
    extra = next(src for src, dst in mounts.items() if dst == "/scenarios")
    args = swapped(
        service("mockserver")["command"],
        host="127.0.0.1",
        port="0",
        data_dir=str(tmp_path),
        scenarios=str(ROOT / extra),
        postback_url=receiver_process.url + "/postbacks",
    )
    env = compose_environment("mockserver", {"MOCKSERVER_TOKEN": TOKEN})
    server = LiveServer(*args[1:], env=env)
    headers = {"X-Mockserver-Token": TOKEN}
    try:
        check = service("mockserver")["healthcheck"]["test"][1:]
        done = run_healthcheck(check, port_of(server.url))
        assert done.returncode == 0, done.stderr
        listed = server.api("GET", "/scenarios", headers=headers).json()["scenarios"]
        names = [s["name"] for s in listed]
        assert "hello-receiver" in names
        assert "sms-mo" in names
        sms = {"from": "16315551234", "to": "60856", "text": "STOP <b>&"}
        assert server.api("POST", "/mo/sms", json=sms, headers=headers).status_code == 201
        run = server.api("POST", "/scenarios/hello-receiver/runs", json={}, headers=headers)
        assert run.status_code == 201, run.text
        wait_until(lambda: len(receiver_process.postbacks()) >= 2, what="two postbacks")
    finally:
        assert server.stop() == 0
    got = receiver_process.postbacks()
    assert {p["code"] for p in got} == {"N211"}
    assert {p["fields"]["TEXT"] for p in got} == {"STOP <b>&", "HELLO"}
    assert all(p["flavor"] == env["MOCKSERVER_FLAVOR"] for p in got)
    page = requests.get(receiver_process.url + "/", timeout=10).text
    assert "STOP &lt;b&gt;&amp;" in page
    assert "<b>&" not in page


# -- the example receiver, in-process ----------------------------------------------------------


N211 = {
    "ORIGIN": "SMS_MO",
    "FROM": "16315551234",
    "TO": "60856",
    "TEXT": "<script>alert('x')</script> & more",
    "RECEIVED": "2024-01-02T03:04:05-05:00",
    "TRANSACTIONID": "abc123",
}


@pytest.fixture
def client() -> Any:
    return receiver_module.create_app(keep=3).test_client()


@pytest.mark.parametrize(
    ("flavor", "body_mode"),
    [("skycore-xml", "raw"), ("skycore-xml", "form"), ("sinch-json", "raw")],
)
def test_receiver_shows_a_rendered_postback_escaped(
    client: Any, flavor: str, body_mode: str
) -> None:
    body = wire.render("N211", N211, flavor, body_mode=body_mode)
    reply = client.post("/postbacks", data=body, content_type=wire.content_type(flavor, body_mode))
    assert reply.status_code == 200
    assert reply.get_json() == {"received": 1}
    (item,) = client.get("/postbacks.json").get_json()["postbacks"]
    assert (item["code"], item["origin"], item["flavor"]) == ("N211", "SMS_MO", flavor)
    assert item["fields"]["TEXT"] == N211["TEXT"]
    page = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page
    assert client.get("/health").get_json() == {"status": "ok"}


def test_receiver_keeps_the_last_n_and_lists_a_bundle_entry_by_entry(client: Any) -> None:
    for n in range(4):
        fields = {"MMSID": str(n), "TO": "16501112222", "TRACKINGID": f"t{n}"}
        body = wire.render("N102", fields, "sinch-xml")
        assert client.post("/postbacks", data=body, content_type="text/xml").status_code == 200
    kept = client.get("/postbacks.json").get_json()["postbacks"]
    assert [p["fields"]["TRACKINGID"] for p in kept] == ["t3", "t2", "t1"]  # keep=3, newest first
    entries = [
        wire.BundleEntry(wire.Postback("SMS_MO", "N211", _mo_fields(i)), str(i), "")
        for i in range(2)
    ]
    bundle = wire.render_bundle(entries, text_element="TEXT")
    reply = client.post("/postbacks", data=bundle, content_type="text/xml")
    assert reply.get_json() == {"received": 2}
    kept = client.get("/postbacks.json").get_json()["postbacks"]
    assert [(p["fields"].get("TEXT"), p["bundle_id"]) for p in kept[:2]] == [
        ("m1", "1"),
        ("m0", "0"),
    ]


def _mo_fields(i: int) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {k: v for k, v in N211.items() if k != "ORIGIN"}
    fields["TEXT"] = f"m{i}"
    return fields


def test_receiver_answers_400_to_garbage_and_shows_it_escaped(client: Any) -> None:
    reply = client.post("/postbacks", data=b"<oops attr='<i>'", content_type="text/xml")
    assert reply.status_code == 400
    assert "error" in reply.get_json()
    (item,) = client.get("/postbacks.json").get_json()["postbacks"]
    assert item["body"] == "<oops attr='<i>'"
    page = client.get("/").get_data(as_text=True)
    assert "unparseable" in page
    assert "&lt;oops attr=&#39;&lt;i&gt;&#39;" in page
    assert "<i>" not in page


def test_receiver_main_rejects_unknown_options() -> None:
    with pytest.raises(SystemExit):
        receiver_module.build_parser().parse_args(["--nope"])
