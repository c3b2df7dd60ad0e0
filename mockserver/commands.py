"""``mockserver serve`` and ``mockserver send-mo``: the commands that talk to a live server."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import click

from mockserver.config import ConfigError, Settings
from mockserver.config_sources import load_settings

HELP = {
    "host": "Interface to listen on [127.0.0.1]. Other than loopback needs --token or --insecure.",
    "port": "Port to listen on [8055]; 0 picks a free one.",
    "postback_url": "Where postbacks go, e.g. http://127.0.0.1:5000/postbacks.",
    "mo_postback_url": "Where SMS/MMS MO postbacks go [the postback URL].",
    "flavor": "skycore-xml, sinch-xml or sinch-json [skycore-xml].",
    "revision": "Skycore documents to write after: sky-a (the seeds), sky-b, sky-legacy [sky-a].",
    "body_mode": "XML bodies: raw (text/xml) or form (field 'xml') [raw].",
    "data_dir": "Folder of the SQLite store [./.mockserver]; ':memory:' keeps nothing.",
    "scenarios": "An extra scenario folder (repeatable).",
    "time_scale": "0.1 makes every delay ten times shorter [1.0].",
    "clock": "real or virtual (time moves only through the control API) [real].",
    "retry_attempts": "Retries after the first attempt [5] (see --retry-mode).",
    "retry_interval": "Seconds between attempts [300].",
    "retry_backoff": "Multiplier of the interval after each retry [1.0].",
    "retry_mode": "retries (1 + N attempts) or total (N attempts) [retries].",
    "timeout": "Connect/read timeout of one attempt, seconds [10].",
    "success": "200 (the platform's rule) or 2xx [200].",
    "moderation": "on/off: hold MMS MO for approval [off].",
    "seed": "A fixed seed makes fake values and random outcomes reproducible.",
    "token": "Require this token on the control API and UI.",
    "public_url": "Base URL of this server as receivers reach it, for links in postbacks "
    "(media files) [http://HOST:PORT].",
    "workers": "Delivery threads [8].",
    "drain_timeout": "Seconds in-flight postbacks may finish at shutdown [15].",
    "keep_postbacks": "Finished postbacks kept, newest first; 0: no cap [100000].",
    "keep_calls": "Platform API calls kept in the call log, newest first; 0: no cap [100000].",
    "keep_runs": "Runs' summaries kept, newest first (never one still sending); 0: no cap "
    "[100000].",
    "keep_saved_mms": "Saved MMS (saveMMS) kept, newest first, whatever their age; 0: no cap "
    "[100000].",
    "keep_days": "Days a finished postback, call, run or decided moderation item is kept; "
    "0: no cap [7].",
    "allowed_hosts": "More names this server answers to, comma-separated (Host header; "
    "'.example.test' for a domain and its subdomains, '*' for any) [loopback, --host, "
    "--public-url's host].",
    "connection_limit": "Open connections the server accepts at once [1000].",
    "idle_timeout": "Seconds an idle connection stays open [120].",
    "header_timeout": "Seconds a client has to send a request's headers [15].",
    "heartbeat": "Seconds between keep-alive comments on idle event streams [15].",
}


def setting_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One ``--name VALUE`` option per setting (values are parsed by load_settings)."""
    for field in reversed(dataclasses.fields(Settings)):
        flag = "--" + field.name.replace("_", "-")
        multiple = field.name == "scenarios"
        command = click.option(flag, field.name, metavar="VALUE", multiple=multiple,
                               default=None, help=HELP.get(field.name, ""))(command)  # fmt: skip
    return command


def settings_from(options: dict[str, Any], config: str | None) -> Settings:
    flags = {k: v for k, v in options.items() if v not in (None, ())}
    try:
        return load_settings(flags, config=config)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.command()
@click.option("--config", metavar="FILE", help="A mockserver.toml [./mockserver.toml if present].")
@click.option("--insecure", is_flag=True, help="Allow a non-loopback --host without a token.")
@click.option("--threads", type=click.IntRange(4, 256), default=16, show_default=True,
              help="Server threads (each open event stream holds one).")  # fmt: skip
@setting_options
def serve(config: str | None, insecure: bool, threads: int, **options: Any) -> None:
    """Run the simulator: platform API, control API and UI on one port.

    Settings come from flags, then MOCKSERVER_<NAME> variables, then mockserver.toml.

    \b
    Examples:
      mockserver serve --postback-url http://127.0.0.1:5000/postbacks
      mockserver serve --clock virtual --data-dir :memory: --port 0
      MOCKSERVER_TIME_SCALE=0.1 mockserver serve --flavor sinch-json
    """
    from mockserver.serve import serve as run_server

    settings = settings_from(options, config)
    try:
        run_server(settings, insecure=insecure, threads=threads)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group("send-mo")
def send_mo() -> None:
    """Inject an MO message into a running server (it sends the postback).

    \b
    Examples:
      mockserver send-mo sms --from 16315551234 --to 60856 --text "STOP"
      mockserver send-mo mms --from 16315551234 --to 74700 --file https://example.com/a.jpg
    """


def _server_options(command: Callable[..., Any]) -> Callable[..., Any]:
    server = click.option(
        "--server",
        default="http://127.0.0.1:8055",
        show_default=True,
        envvar="MOCKSERVER_SERVER",
        help="The running mockserver.",
    )
    command = server(command)
    return click.option("--token", envvar="MOCKSERVER_TOKEN", help="Its token, if it has one.")(
        command
    )


def _post(server: str, token: str | None, path: str, body: dict[str, Any]) -> None:
    import requests

    headers = {"X-Mockserver-Token": token} if token else {}
    url = server.rstrip("/") + "/mock/api/v1" + path
    try:
        response = requests.post(url, json=body, headers=headers, timeout=10)
    except requests.RequestException as exc:
        raise click.ClickException(
            f"cannot reach {server}: {exc}; is `mockserver serve` running?"
        ) from None
    try:
        data = response.json()
    except ValueError:
        raise click.ClickException(f"{url} answered {response.status_code}, not JSON") from None
    if response.status_code >= 400:
        error = data.get("error", {}) if isinstance(data, dict) else {}
        raise click.ClickException(f"{response.status_code}: {error.get('message', data)}")
    click.echo(json.dumps(data, indent=2))


@send_mo.command("sms")
@click.option("--from", "sender", required=True, help="Sender MSISDN with country code.")
@click.option("--to", required=True, help="Short code or long code it was sent to.")
@click.option("--text", required=True, help="The message text.")
@_server_options
def send_sms(sender: str, to: str, text: str, server: str, token: str | None) -> None:
    """An SMS MO: the server sends an N211 postback.

    \b
    Example:
      mockserver send-mo sms --from 16315551234 --to 60856 --text "STOP"
    """
    _post(server, token, "/mo/sms", {"from": sender, "to": to, "text": text})


@send_mo.command("mms")
@click.option("--from", "sender", required=True, help="Sender MSISDN with country code.")
@click.option("--to", required=True, help="Short code, 10DLC or toll-free number.")
@click.option("--file", "files", multiple=True, required=True, help="A content URL (repeatable).")
@click.option("--keyword", help="The MMS Inbox keyword recognised.")
@click.option("--subject", help="The MMS subject.")
@_server_options
def send_mms(sender: str, to: str, files: tuple[str, ...], keyword: str | None,
             subject: str | None, server: str, token: str | None) -> None:  # fmt: skip
    """An MMS MO: an N401 postback (held when the server moderates).

    \b
    Example:
      mockserver send-mo mms --from 16315551234 --to 74700 --keyword all \\
        --file http://127.0.0.1:8055/mock/media/a1.jpg --file http://127.0.0.1:8055/mock/media/a1.txt
    """
    body: dict[str, Any] = {"from": sender, "to": to, "files": list(files)}
    if keyword is not None:
        body["keyword"] = keyword
    if subject is not None:
        body["subject"] = subject
    _post(server, token, "/mo/mms", body)
