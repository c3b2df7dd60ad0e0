"""Walks a scenario's steps for one run: samples delays and branches, renders every body."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from mockserver.scenarios import values
from mockserver.scenarios.errors import ScenarioError
from mockserver.scenarios.model import (
    BundleStep,
    ChooseStep,
    Delay,
    PostbackStep,
    RepeatStep,
    Step,
    WaitStep,
)
from mockserver.scenarios.plan import Hold, PlannedPostback
from mockserver.wire import (
    BundleEntry,
    Postback,
    WireError,
    adapt,
    content_type,
    lookup,
    render_bundle,
)
from mockserver.wire import render as render_body
from mockserver.wire.model import FieldValue
from mockserver.wire.timefmt import STYLES, format_time

#: field -> the var that fills it when a step does not set it (how linked postbacks share ids)
FIELD_VARS = {
    "TO": "to",
    "FROM": "from",
    "FROM_MASK": "from_mask",
    "TRACKINGID": "tracking_id",
    "MMSID": "mmsid",
    "SPID": "spid",
    "OPERATORNAME": "operator_name",
    "HANDSET": "handset",
    "AGGREGATORID": "aggregator_id",
    "TRANSACTIONID": "transaction_id",
    "KEYWORD": "keyword",
    "SUBJECT": "subject",
    "TEXT": "text",
    "CONTENT": "content",
    "AUDIONAME": "audio_name",
    "VIDEONAME": "video_name",
    "CAMPAIGNREF": "campaign_ref",
}
LINK_FIELDS = ("TRACKINGID", "MMSID", "TRANSACTIONID", "AGGREGATORID")
TIME_FIELDS = ("TIMESTAMP", "RECEIVED")


@dataclass
class _Draft:
    item: PlannedPostback
    reorder: bool = False


@dataclass
class Walker:
    rng: random.Random
    context: dict[str, Any]
    flavor: str
    body_mode: str
    start: datetime
    time_scale: float
    phase: int = 0
    cursor: float = 0.0  # offset within the phase, platform seconds
    elapsed: float = 0.0  # offset of the phase start from the run start (for timestamps)
    drafts: list[_Draft] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    _bundle_ids: int = 0

    def seed_ids(self) -> None:
        ids = self.context["ids"]
        for name in LINK_FIELDS:
            value = self.context["vars"].get(FIELD_VARS[name])
            if isinstance(value, str) and value:
                ids[name] = value

    # -- steps ---------------------------------------------------------------------------
    def steps(self, steps: tuple[Step, ...], path: str) -> None:
        for i, step in enumerate(steps):
            self.cursor += self._sample(step.after)
            where = f"{path}[{i}]"
            if isinstance(step, PostbackStep):
                self._postback(step, where)
            elif isinstance(step, ChooseStep):
                self._choose(step, where)
            elif isinstance(step, WaitStep):
                self._wait(step, where)
            elif isinstance(step, RepeatStep):
                self._repeat(step, where)
            else:
                self._bundle(step, where)

    def _sample(self, delay: Delay) -> float:
        seconds = delay.low if delay.fixed else self.rng.uniform(delay.low, delay.high)
        return seconds * self.time_scale

    def _choose(self, step: ChooseStep, where: str) -> None:
        weights = [b.weight for b in step.branches]
        index = self.rng.choices(range(len(step.branches)), weights)[0]
        branch = step.branches[index]
        self.choices.append(branch.label)
        self.steps(branch.steps, f"{where}.choose[{index}].steps")

    def _wait(self, step: WaitStep, where: str) -> None:
        held_from = len(self.drafts)
        saved = (self.phase, self.cursor)
        self.phase, self.cursor = -(len(self.holds) + 1), 0.0
        self.steps(step.on_reject, f"{where}.on_reject")
        rejected = [d.item for d in self._settle(self.drafts[held_from:])]
        del self.drafts[held_from:]
        self.phase, self.cursor = saved
        self.elapsed += self.cursor
        self.phase, self.cursor = self.phase + 1, 0.0
        self.holds.append(Hold(self.phase, tuple(rejected), step.loc))

    def _repeat(self, step: RepeatStep, where: str) -> None:
        base, end = self.cursor, self.cursor
        outer = self.context["vars"]
        for i in range(step.count):
            self.cursor = base + i * step.interval * self.time_scale
            scope = {**self.context, "i": i}
            inner = values.render_into(step.vars, {}, scope, dict(outer))
            self.context["vars"], self.context["i"] = inner, i
            self.steps(step.steps, f"{where}.repeat[{i}].steps")
            end = max(end, self.cursor)
        self.context["vars"] = outer
        self.context.pop("i", None)
        self.cursor = end

    # -- postbacks -----------------------------------------------------------------------
    def _postback(self, step: PostbackStep, where: str) -> None:
        event = self._event_time()
        postback = self._build(step, event, STYLES[self.flavor])
        faults = tuple(f.kind for f in step.faults)
        quirks = tuple(f.kind for f in step.faults if f.quirk)
        body = self._render(postback, quirks, event, step)
        offset = self.cursor
        for fault in step.faults:
            if fault.kind == "delay":
                offset += self._sample(fault.delay)
        item = self._item(
            where, postback, offset, body, faults, content_type(self.flavor, self.body_mode)
        )
        item = replace(item, dropped="drop" in faults)
        self.drafts.append(_Draft(item, reorder="reorder" in faults))
        for fault in step.faults:
            if fault.kind == "duplicate":
                copy = replace(
                    item, index=len(self.drafts), offset=offset + self._sample(fault.delay)
                )
                self.drafts.append(_Draft(replace(copy, duplicate_of=item.index)))

    def _event_time(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed + self.cursor)

    def _item(self, where: str, postback: Postback, offset: float, body: bytes,
              faults: tuple[str, ...], ctype: str) -> PlannedPostback:  # fmt: skip
        return PlannedPostback(
            index=len(self.drafts), step=where, postback=postback, offset=offset,
            phase=self.phase, body=body, content_type=ctype, faults=faults,
        )  # fmt: skip

    def _build(self, step: PostbackStep, event: datetime, style: str) -> Postback:
        entry = lookup(step.code, step.origin)
        flavor = self.flavor if self.flavor in entry.layouts else "skycore-xml"
        names = entry.layout(flavor).names if flavor in entry.layouts else ()
        fields: dict[str, FieldValue] = {}
        for name, value in step.fields:
            fields[name] = values.render_value(value, self.context)
        self._fill(fields, names, event, style)
        postback = adapt(Postback(step.origin, step.code, fields), self.flavor)
        final = lookup(postback.code, postback.origin)
        if self.flavor not in final.layouts:
            raise ScenarioError(
                f"{final.key} has no {self.flavor} form (no document shows it)",
                step.loc,
                f"run this scenario with one of: {', '.join(final.flavors)}",
            )
        keep = set(final.layout(self.flavor).names)
        kept = {k: v for k, v in postback.fields.items() if k in keep}
        self._link(kept)
        return Postback(postback.origin, postback.code, kept, self.flavor)

    def _fill(
        self, fields: dict[str, FieldValue], names: tuple[str, ...], event: datetime, style: str
    ) -> None:
        variables: Mapping[str, FieldValue] = self.context["vars"]
        for name in names:
            if name in fields:
                continue
            var = FIELD_VARS.get(name)
            if var is not None and var in variables:
                fields[name] = variables[var]
            elif name in TIME_FIELDS:
                fields[name] = format_time(event, style)

    def _link(self, fields: Mapping[str, FieldValue]) -> None:
        ids = self.context["ids"]
        for name in LINK_FIELDS:
            value = fields.get(name)
            if isinstance(value, str):
                ids.setdefault(name, value)

    def _render(
        self, postback: Postback, quirks: tuple[str, ...], event: datetime, step: PostbackStep
    ) -> bytes:
        fields: dict[str, object] = {"ORIGIN": postback.origin, **postback.fields}
        try:
            return render_body(
                postback.code,
                fields,
                self.flavor,
                body_mode=self.body_mode,
                quirks=quirks,
                now=event,
            )
        except WireError as exc:
            raise ScenarioError(
                f"cannot render {postback.key}: {exc}", step.loc, "fix the step's fields"
            ) from None

    def _bundle(self, step: BundleStep, where: str) -> None:
        if self.flavor != "skycore-xml":
            raise ScenarioError(
                f"a bundle is the SKY-LEGACY form, not available in {self.flavor}",
                step.loc,
                "run this scenario with flavor skycore-xml",
            )
        event = self._event_time()
        created = format_time(event, "legacy")
        entries: list[BundleEntry] = []
        for entry_step in step.entries:
            self._bundle_ids += 1
            postback = self._build(entry_step, event, "legacy")
            entries.append(BundleEntry(postback, str(self._bundle_ids), created))
        try:
            body = render_bundle(entries, body_mode=self.body_mode, now=event)
        except WireError as exc:
            raise ScenarioError(
                f"cannot render the bundle: {exc}", step.loc, "check its entries"
            ) from None
        ctype = content_type(self.flavor, self.body_mode)
        item = self._item(where, entries[0].postback, self.cursor, body, (), ctype)
        self.drafts.append(_Draft(replace(item, entries=tuple(e.postback for e in entries))))

    # -- the end -------------------------------------------------------------------------
    def finish(self) -> tuple[tuple[PlannedPostback, ...], tuple[Hold, ...]]:
        items = tuple(d.item for d in self._settle(self.drafts))
        holds = tuple(replace(h, item=_held_item(items, h.phase)) for h in self.holds)
        return items, holds

    @staticmethod
    def _settle(drafts: list[_Draft]) -> list[_Draft]:
        """Apply ``reorder``: swap each marked postback's due time with the next one's."""
        for i, draft in enumerate(drafts):
            if not draft.reorder:
                continue
            later = [
                d
                for d in drafts[i + 1 :]
                if d.item.duplicate_of is None and d.item.phase == draft.item.phase
            ]
            if later:
                other = later[0]
                a, b = draft.item.offset, other.item.offset
                draft.item, other.item = (
                    replace(draft.item, offset=b),
                    replace(other.item, offset=a),
                )
        return drafts


def _held_item(items: tuple[PlannedPostback, ...], phase: int) -> dict[str, FieldValue]:
    """What the moderator sees: the fields of the first notification the approval releases."""
    held = sorted((p for p in items if p.phase == phase), key=lambda p: (p.offset, p.index))
    return dict(held[0].postback.fields) if held else {}
