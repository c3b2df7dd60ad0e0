"""``mockserver run SCENARIO --to URL``: play one run against a receiver, then summarise.

The run uses its own in-memory platform (nothing is written to disk); moderation holds are
approved (or rejected) as soon as the timeline reaches them.
"""

from __future__ import annotations

import queue
import sys
import time
from typing import Any, TextIO

import click

from mockserver.config import ConfigError, Settings
from mockserver.platform import MockPlatform
from mockserver.runs import approve, reject, runs_of
from mockserver.scenarios import ScenarioError
from mockserver.wire.revisions import REVISIONS

_DONE = {"approve": "approved", "reject": "rejected"}


def parse_vars(pairs: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--var")
        found[name.strip()] = value
    return found


class Player:
    def __init__(self, platform: MockPlatform, out: TextIO, moderation: str) -> None:
        self.platform = platform
        self.out = out
        self.moderation = moderation
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.started = time.monotonic()
        self.codes: dict[int, str] = {}
        platform.subscribe(self.events.put)

    def play(self, name: str, **options: Any) -> dict[str, Any]:
        run = self.platform.run_scenario(name, **options)
        self.codes = {p["postback_id"]: p["code"] for p in run["postbacks"] if p["postback_id"]}
        planned = sum(1 for p in run["postbacks"] if not p["dropped"])
        print(
            f"run {run['run_id']}: {name}, {planned} postback(s), flavour {run['flavor']}, "
            f"revision {run['revision']}",
            file=self.out,
        )
        while True:
            self._wait_idle()
            if not self._release(run["run_id"]):
                break
        self._print_events()
        return self.platform.run(run["run_id"]) or run

    def _wait_idle(self) -> None:
        while True:
            try:
                self.platform.run_until_idle(timeout=0.2)
                return
            except TimeoutError:
                self._print_events()

    def _release(self, run_id: str) -> bool:
        """Decide the pending moderation holds of the run; True if any was pending."""
        pending = [i for i in self.platform.inbox.items() if i["run_id"] == run_id]
        for item in pending:
            if self.moderation == "approve":
                self.platform.inbox.approve(item["id"])
            else:
                self.platform.inbox.reject(item["id"])
            print(f"moderation: {_DONE[self.moderation]} item {item['id']}", file=self.out)
        live = runs_of(self.platform).get(run_id)
        hold = live.pending_hold() if live is not None else None
        if live is not None and hold is not None and hold.moderation_id is None:
            ids = (approve if self.moderation == "approve" else reject)(self.platform, live)
            self.codes |= dict.fromkeys(ids, "held")
            print(f"moderation: {_DONE[self.moderation]} a hold of the run", file=self.out)
            return True
        return bool(pending)

    def _print_events(self) -> None:
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return
            if event.get("type") == "postback.attempt":
                self._print_attempt(event)

    def _print_attempt(self, event: dict[str, Any]) -> None:
        elapsed = time.monotonic() - self.started
        outcome = event.get("status") or event.get("error") or "?"
        code = self.codes.get(event.get("id", 0)) or event.get("code", "")
        number = event.get("number", "?")
        line = f"{elapsed:8.1f}s  #{event.get('id')} {code:<5} attempt {number} -> {outcome}"
        if event.get("retry_at") is not None:
            line += " (will retry)"
        print(line, file=self.out)


def summary_table(platform: MockPlatform, run: dict[str, Any], out: TextIO) -> bool:
    """Print code, state, attempts and latency per postback; True if none failed."""
    print(f"\n{'#':>5}  {'code':<5}  {'state':<10}  {'attempts':>8}  {'latency':>9}", file=out)
    ok = True
    for row in sorted(run.get("log", []), key=lambda r: r["postback_id"]):
        detail = platform.postback(row["postback_id"]) or {}
        attempts = detail.get("attempts_log", [])
        latency = attempts[-1]["latency"] if attempts and attempts[-1]["latency"] else None
        shown = f"{latency * 1000:.1f} ms" if latency is not None else "-"
        cells = f"{row['postback_id']:>5}  {row['code']:<5}  {row['state']:<10}"
        print(f"{cells}  {row['attempts']:>8}  {shown:>9}", file=out)
        ok = ok and row["state"] == "delivered"
    return ok


@click.command("run")
@click.argument("scenario")
@click.option("--to", "url", required=True, metavar="URL", help="The receiver's postback URL.")
@click.option(
    "--flavor",
    type=click.Choice(["skycore-xml", "sinch-xml", "sinch-json"]),
    help="Wire flavour [skycore-xml].",
)
@click.option(
    "--revision",
    type=click.Choice(list(REVISIONS)),
    help="Which Skycore documents to write after: sky-a (the seeds), sky-b, sky-legacy [sky-a].",
)
@click.option(
    "--pin",
    "pins",
    multiple=True,
    metavar="LABEL",
    help="Take the choose branch with this label (repeatable), e.g. --pin rejected.",
)
@click.option(
    "--var",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a scenario var (repeatable).",
)
@click.option("--seed", type=int, help="Fix every fake value and random choice.")
@click.option(
    "--time-scale", type=float, default=1.0, show_default=True, help="0.1 = ten times faster."
)
@click.option(
    "--clock",
    type=click.Choice(["real", "virtual"]),
    default="real",
    show_default=True,
    help="virtual: no waiting, postbacks are sent back to back in order.",
)
@click.option(
    "--moderation",
    type=click.Choice(["approve", "reject"]),
    default="approve",
    show_default=True,
    help="What to do with moderation holds.",
)
@click.option(
    "--scenarios",
    "folders",
    multiple=True,
    metavar="DIR",
    help="An extra scenario folder (repeatable).",
)
@click.option(
    "--retry-interval",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds between attempts.",
)
def run_command(
    scenario: str,
    url: str,
    flavor: str | None,
    revision: str | None,
    pins: tuple[str, ...],
    pairs: tuple[str, ...],
    seed: int | None,
    time_scale: float,
    clock: str,
    moderation: str,
    folders: tuple[str, ...],
    retry_interval: float,
) -> None:
    """Play one scenario run against URL; exit 1 if any postback failed.

    \b
    Examples:
      mockserver run mms-binary-expired --to http://localhost:5000/postbacks
      mockserver run sms-delivered --to http://localhost:5000/pb --clock virtual
      mockserver run mixed-traffic --to http://localhost:5000/pb --time-scale 0.01 --seed 7
      mockserver run mms-mo --to http://localhost:5000/pb --flavor sinch-json --var to=28444
      mockserver run mixed-traffic --to http://localhost:5000/pb --pin rejected --revision sky-b
      mockserver run load-burst --to http://localhost:5000/pb --var count=20000 --var rate=max
    """
    try:
        settings = Settings(postback_url=url, data_dir=":memory:", flavor=flavor or "skycore-xml",
                            time_scale=time_scale, clock=clock, scenarios=folders,
                            retry_interval=retry_interval, drain_timeout=5.0)  # fmt: skip
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    with MockPlatform(settings) as platform:
        player = Player(platform, sys.stdout, moderation)
        try:
            result = player.play(scenario, vars=parse_vars(pairs) or None, seed=seed,
                                 revision=revision, pins=pins)  # fmt: skip
        except ScenarioError as exc:
            raise click.ClickException(str(exc)) from None
        ok = summary_table(platform, result, sys.stdout)
    if not ok:
        raise SystemExit(1)
