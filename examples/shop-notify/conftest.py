"""shop-notify's tests run in both of mockserver's modes, through one ``shop`` fixture:

- ``inprocess``: ``mockserver_inprocess`` answers the app's ``requests`` calls to the real
  Skycore URL and hands postbacks to the Flask app, synchronously; no socket is opened;
- ``live``: the app listens on a port, calls the session's live simulator
  (``mockserver_live``) over HTTP, and the simulator POSTs postbacks to it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from shop_harness import Shop
from shop_notify import SKYCORE_API, create_app
from werkzeug.serving import make_server

from mockserver.testing import Simulator


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app({"DATABASE": str(tmp_path / "shop.sqlite3"), "API_URL": SKYCORE_API})


@pytest.fixture
def mockserver_app(app: Flask) -> Flask:
    """The app that ``mockserver_inprocess`` delivers postbacks to."""
    return app


@pytest.fixture(params=["inprocess", "live"])
def shop(request: pytest.FixtureRequest, app: Flask) -> Iterator[Shop]:
    if request.param == "inprocess":
        sim: Simulator = request.getfixturevalue("mockserver_inprocess")
        yield Shop(app, app.test_client(), sim, "inprocess")
        return
    sim = request.getfixturevalue("mockserver_live")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["API_URL"] = f"{sim.url}/API/wxml/1.3/index.php"
    sim.configure(postback_url=f"http://127.0.0.1:{server.server_port}/postbacks")
    try:
        yield Shop(app, app.test_client(), sim, "live")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
