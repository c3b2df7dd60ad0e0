"""The pytest plugin (entry point ``pytest11``: ``mockserver``). Fixtures, options, the
``mockserver`` marker and the seed of a failing test in its report. See docs/pytest.md.

Heavy imports (Flask, waitress, responses) wait for the first fixture that needs them, so an
installed mockserver costs a pytest session that does not use it nothing.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.testing.receiver import Receiver
    from mockserver.testing.server import LiveServer
    from mockserver.testing.sim import Moderation, SimClock, Simulator

SEED_KEY = pytest.StashKey[int]()
SIM_KEY = pytest.StashKey["Simulator"]()
SESSION_SEED = pytest.StashKey[int]()
_OPTIONS = ("seed", "flavor", "revision", "clock")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "mockserver (Skycore/Sinch platform simulator)")
    group.addoption(
        "--mockserver-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed of every mockserver test (a failing test's report prints it)",
    )
    group.addoption(
        "--mockserver-flavor",
        default=None,
        metavar="FLAVOR",
        help="postback flavour: skycore-xml, sinch-xml or sinch-json",
    )
    group.addoption(
        "--mockserver-revision",
        default=None,
        metavar="REV",
        help="document revision: sky-a (default), sky-b or sky-legacy",
    )
    group.addoption("--mockserver-clock", default=None, choices=("virtual", "real"),
                    help="clock of the live server (default virtual)")  # fmt: skip
    parser.addini("mockserver_seed", "default seed (default: random, printed in the header)")
    parser.addini("mockserver_flavor", "default postback flavour", default="")
    parser.addini("mockserver_revision", "default document revision", default="")
    parser.addini("mockserver_clock", "clock of the live server: virtual or real", default="")
    parser.addini("mockserver_settings", "more settings, one 'name = value' a line (JSON "
                  "values)", type="linelist", default=[])  # fmt: skip
    parser.addini("mockserver_api_urls", "more base URLs of the platform API that the "
                  "in-process mode intercepts", type="linelist", default=[])  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockserver(seed=None, flavor=None, revision=None, **settings): settings of the "
        "simulated platform for this test (any mockserver setting: moderation=True, ...)",
    )
    worker = getattr(config, "workerinput", None)  # an xdist worker: the controller's seed
    seed = worker.get("mockserver_seed") if worker else None
    seed = seed or config.getoption("mockserver_seed") or _ini(config, "seed")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    config.option.mockserver_seed = int(seed)
    config.stash[SESSION_SEED] = int(seed)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker takes the controller's session seed."""
    node.workerinput["mockserver_seed"] = node.config.stash[SESSION_SEED]


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[SESSION_SEED]
    return f"mockserver: seed {seed} (repeat with --mockserver-seed={seed})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and SEED_KEY in item.stash:
        seed = item.stash[SEED_KEY]
        session = item.config.stash[SESSION_SEED]
        lines = [f"seed {seed} (session seed {session}): repeat with --mockserver-seed={session}"
                 f" or @pytest.mark.mockserver(seed={seed})"]  # fmt: skip
        sim = item.stash.get(SIM_KEY, None)
        if sim is not None:
            from mockserver.testing.received import listing

            lines.append(listing(sim.receiver.postbacks, sim.receiver.start))
        report.sections.append(("mockserver", "\n".join(lines)))
    return report


# -- settings --


def _ini(config: pytest.Config, name: str) -> Any:
    value = config.getini(f"mockserver_{name}")
    if value in ("", None):
        return None
    if name == "seed":
        try:
            return int(value)
        except ValueError:
            raise pytest.UsageError(
                f"ini mockserver_seed must be an integer, not {value!r}"
            ) from None
    return value


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(f"mockserver_{name}")
    return _ini(config, name) if value is None else value


def session_settings(config: pytest.Config) -> dict[str, Any]:
    """Settings of the session's server: ini ``mockserver_settings``, then the options."""
    settings: dict[str, Any] = {}
    for line in config.getini("mockserver_settings"):
        name, sep, raw = line.partition("=")
        if not sep:
            raise pytest.UsageError(f"ini mockserver_settings: {line!r} is not 'name = value'")
        try:
            settings[name.strip()] = json.loads(raw.strip())
        except ValueError:
            settings[name.strip()] = raw.strip()
    for name in ("flavor", "revision", "clock"):
        value = _option(config, name)
        if value is not None:
            settings[name] = value
    return settings


def test_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``mockserver`` markers' settings, the closest marker winning."""
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("mockserver"))):
        if marker.args:
            raise pytest.UsageError("@pytest.mark.mockserver takes keyword arguments only")
        settings.update(marker.kwargs)
    settings.pop("seed", None)
    return settings


# -- fixtures --


@pytest.fixture
def mockserver_seed(request: pytest.FixtureRequest) -> int:
    """This test's seed: the marker's ``seed``, else one derived from the session seed and
    the test's id (so ``--mockserver-seed=S`` repeats every test, alone or not)."""
    seed = None
    for marker in request.node.iter_markers("mockserver"):
        seed = marker.kwargs.get("seed", seed) if seed is None else seed
    if seed is None:
        session = request.config.stash[SESSION_SEED]
        seed = zlib.crc32(f"{session}:{request.node.nodeid}".encode()) % 2**31
    request.node.stash[SEED_KEY] = int(seed)
    return int(seed)


@pytest.fixture(scope="session")
def mockserver_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The session's live simulator (one per xdist worker): 127.0.0.1, port 0, in memory,
    virtual clock unless configured. Not reset: use ``mockserver_live`` in tests."""
    from mockserver.testing.server import LiveServer

    server = LiveServer(**session_settings(request.config))
    yield server
    server.close()


@pytest.fixture
def mockserver_live(
    mockserver_server: LiveServer, mockserver_seed: int, request: pytest.FixtureRequest
) -> Simulator:
    """The live server, reset for this test (state, settings, receiver, seed)."""
    sim = mockserver_server.sim
    sim.reset(mockserver_seed, **test_settings(request))
    request.node.stash[SIM_KEY] = sim
    return sim


@pytest.fixture
def mockserver_app() -> Any:
    """Override to hand your WSGI app (e.g. a Flask app) to ``mockserver_inprocess``."""
    return None


@pytest.fixture
def mockserver_inprocess_options() -> dict[str, Any]:
    """Override to pass more arguments to ``mock_platform`` (postback_url, handler, ...)."""
    return {}


@pytest.fixture
def mockserver_inprocess(
    mockserver_app: Any,
    mockserver_inprocess_options: dict[str, Any],
    mockserver_seed: int,
    request: pytest.FixtureRequest,
) -> Iterator[Simulator]:
    """The simulator in-process for this test: ``requests`` to the platform API are answered
    by it, postbacks go to ``mockserver_app`` (or the receiver) when the clock moves."""
    from mockserver.testing.inprocess import mock_platform

    settings = {**session_settings(request.config), **test_settings(request)}
    settings.pop("clock", None)
    options = {"api_urls": request.config.getini("mockserver_api_urls"), **settings,
               **mockserver_inprocess_options, "seed": mockserver_seed}  # fmt: skip
    with mock_platform(mockserver_app, **options) as sim:
        request.node.stash[SIM_KEY] = sim
        yield sim


@pytest.fixture
def mockserver_platform(request: pytest.FixtureRequest) -> Simulator:
    """The platform this test talks to: in-process when the test uses
    ``mockserver_inprocess``, else the live server."""
    if "mockserver_inprocess" in request.fixturenames:
        sim: Simulator = request.getfixturevalue("mockserver_inprocess")
    else:
        sim = request.getfixturevalue("mockserver_live")
    return sim


@pytest.fixture
def mockserver_receiver(mockserver_platform: Simulator) -> Receiver:
    """Every postback request the platform made in this test, with waits and assertions."""
    return mockserver_platform.receiver


@pytest.fixture
def mockserver_clock(mockserver_platform: Simulator) -> SimClock:
    """The platform clock: ``advance("5m")``, ``flush()``, ``run_until_idle()``, ``now``."""
    return mockserver_platform.clock


@pytest.fixture
def mockserver_scenario(mockserver_platform: Simulator) -> Any:
    """``mockserver_scenario(name, to=..., vars=..., seed=..., revision=..., flavor=...,
    pin=..., complete=True)`` runs a scenario and returns the :class:`ScenarioRun`."""
    return mockserver_platform.scenario


@pytest.fixture
def mockserver_mo(mockserver_platform: Simulator) -> Simulator:
    """MO injection: ``send_sms_mo(text, sender=, to=)``, ``send_mms_mo(files, ...)``."""
    return mockserver_platform


@pytest.fixture
def mockserver_moderation(mockserver_platform: Simulator) -> Moderation:
    """The MMS MO moderation queue: ``pending()``, ``approve(id)``, ``reject(id)``."""
    return mockserver_platform.moderation
