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
from mockserver.scenarios.repeat import repeat_shape
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
from mockserver.wire.adapt import left_out
from mockserver.wire.catalog import Layout
from mockserver.wire.events import EventError, postback_for
from mockserver.wire.model import FieldValue
from mockserver.wire.revisions import DEFAULT_REVISION
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
    revision: str = DEFAULT_REVISION
    pins: frozenset[str] = frozenset()
    phase: int = 0
    cursor: float = 0.0  # offset within the phase, platform seconds
    elapsed: float = 0.0  # offset of the phase start from the run start (for timestamps)
    drafts: list[_Draft] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    _bundle_ids: int = 0
    _history: dict[str, str] = field(default_factory=dict)  # TRACKINGID -> legacy HISTORYID

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
        pinned = [i for i, b in enumerate(step.branches) if b.label in self.pins]
        if len(pinned) > 1:
            labels = ", ".join(step.branches[i].label for i in pinned)
            raise ScenarioError(f"pinned labels {labels} are branches of one choose", step.loc,
                                "pin one branch per choose")  # fmt: skip
        if pinned:
            index = pinned[0]
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
        count, interval = repeat_shape(step, self.context)
        for i in range(count):
            self.cursor = base + i * interval * self.time_scale
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
        postback, form = self._build(step, event)
        faults = tuple(f.kind for f in step.faults)
        quirks = tuple(f.kind for f in step.faults if f.quirk)
        body = self._render(postback, form, quirks, event, step)
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

    def _build(
        self, step: PostbackStep, event: datetime, form: str | None = None
    ) -> tuple[Postback, str]:
        """The step's postback as this run writes it, and the form it is written in."""
        fields = {name: values.render_value(value, self.context) for name, value in step.fields}
        postback = self._written(step, fields)
        entry = lookup(postback.code, postback.origin)
        if self.flavor not in entry.layouts:
            raise ScenarioError(
                f"{entry.key} has no {self.flavor} form (no document shows it)",
                step.loc,
                f"run this scenario with one of: {', '.join(entry.flavors)}",
            )
        form = form or entry.form_for(self.flavor, self.revision)
        layout = entry.forms[form]
        filled = dict(postback.fields)
        self._fill(filled, layout, event, "legacy" if form == "sky-legacy" else STYLES[self.flavor])
        omit = left_out(postback)
        kept = {name: filled[name] for name in layout.names if name in filled and name not in omit}
        self._link(kept)
        return Postback(postback.origin, postback.code, kept, self.flavor), form

    def _written(self, step: PostbackStep, fields: dict[str, FieldValue]) -> Postback:
        if step.event is None:
            return adapt(Postback(step.origin, step.code, fields), self.flavor)
        try:
            return postback_for(step.event, fields, self.flavor, self.revision)
        except EventError as exc:
            raise ScenarioError(
                str(exc), step.loc, "run it with another revision or flavour"
            ) from None

    def _fill(
        self, fields: dict[str, FieldValue], layout: Layout, event: datetime, style: str
    ) -> None:
        variables: Mapping[str, FieldValue] = self.context["vars"]
        for node in layout.nodes:
            name = node.name
            if name in fields:
                continue
            var = FIELD_VARS.get(name)
            if var is not None and var in variables:
                fields[name] = variables[var]
            elif name in TIME_FIELDS and node.required:
                fields[name] = format_time(event, style)
            elif name == "HISTORYID":
                fields[name] = self._history_id(fields)

    def _history_id(self, fields: Mapping[str, FieldValue]) -> str:
        """The legacy HISTORYID: one per message (TRACKINGID), as the legacy examples link."""
        key = str(fields.get("TRACKINGID") or fields.get("MMSID") or "")
        if key not in self._history:
            self._history[key] = str(self.rng.randint(100_000, 999_999))
        return self._history[key]

    def _link(self, fields: Mapping[str, FieldValue]) -> None:
        ids = self.context["ids"]
        for name in LINK_FIELDS:
            value = fields.get(name)
            if isinstance(value, str):
                ids.setdefault(name, value)

    def _render(
        self,
        postback: Postback,
        form: str,
        quirks: tuple[str, ...],
        event: datetime,
        step: PostbackStep,
    ) -> bytes:
        fields: dict[str, object] = {"ORIGIN": postback.origin, **postback.fields}
        try:
            if form == "sky-legacy":
                return self._legacy(postback, quirks, event)
            return render_body(
                postback.code,
                fields,
                self.flavor,
                revision=form if form.startswith("sky-") else None,
                body_mode=self.body_mode,
                quirks=quirks,
                now=event,
            )
        except WireError as exc:
            raise ScenarioError(
                f"cannot render {postback.key}: {exc}", step.loc, "fix the step's fields"
            ) from None

    def _legacy(self, postback: Postback, quirks: tuple[str, ...], event: datetime) -> bytes:
        """sky-legacy: each notification in a POSTBACK of its own, numbered per run."""
        self._bundle_ids += 1
        entry = BundleEntry(postback, str(self._bundle_ids), format_time(event, "legacy"))
        return render_bundle([entry], body_mode=self.body_mode, quirks=quirks, now=event)

    def _bundle(self, step: BundleStep, where: str) -> None:
        if self.flavor != "skycore-xml":
            raise ScenarioError(
                f"a bundle is the SKY-LEGACY form, not available in {self.flavor}",
                step.loc,
                "run this scenario with flavor skycore-xml",
            )
        event = self._event_time()
        created = format_time(event, "legacy")
        if step.first_id is not None:
            self._bundle_ids = self._first_id(step) - 1
        entries: list[BundleEntry] = []
        for entry_step in step.entries:
            self._bundle_ids += 1
            postback, _form = self._build(entry_step, event, "sky-legacy")
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

    def _first_id(self, step: BundleStep) -> int:
        assert step.first_id is not None
        text = str(values.render_value(step.first_id, self.context)).strip()
        if not text.isdigit():
            raise ScenarioError(
                f"first_id {text!r} is not a whole number", step.first_id.loc, "e.g. first_id: 264"
            )
        return int(text)

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
