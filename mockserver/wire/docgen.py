"""Regenerate the generated parts of docs/wire.md from the catalogue, so they cannot drift.

python -m mockserver.wire.docgen          # rewrite docs/wire.md in place
python -m mockserver.wire.docgen --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from mockserver.wire.catalog import CATALOG, PostbackType
from mockserver.wire.events import EVENTS
from mockserver.wire.quirks import QUIRKS
from mockserver.wire.render import Envelope, render
from mockserver.wire.revisions import FORMS
from mockserver.wire.samples import example_fields

_EXAMPLE_TIME = datetime(2013, 11, 5, 10, 41, 8, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "wire.md"
MARKERS = {
    "revisions": ("<!-- revisions:start -->", "<!-- revisions:end -->"),
    "events": ("<!-- events:start -->", "<!-- events:end -->"),
    "catalogue": ("<!-- catalogue:start -->", "<!-- catalogue:end -->"),
    "quirks": ("<!-- quirks:start -->", "<!-- quirks:end -->"),
    "examples": ("<!-- examples:start -->", "<!-- examples:end -->"),
}


def _cell(entry: PostbackType, form: str) -> str:
    layout = entry.forms.get(form)
    if layout is None:
        return "—"
    flavor = "skycore-xml" if form.startswith("sky-") else form
    return f"{layout.provenance}: " + " ".join(
        f"{entry.wire_name(n.name, flavor)}{'' if n.required else '?'}" for n in layout.nodes
    )


def catalogue_table() -> str:
    head = "| origin/code | what | statuses | " + " | ".join(FORMS) + " |"
    rule = "|" + " --- |" * (3 + len(FORMS))
    rows = [
        f"| {e.key} | {e.title} | {', '.join(e.statuses) or '—'} | "
        + " | ".join(_cell(e, f) for f in FORMS)
        + " |"
        for e in CATALOG.values()
    ]
    return "\n".join([head, rule, *rows])


def _envelope(form: str) -> str:
    if form == "sky-legacy":
        return "`<POSTBACK>` of `<NOTIFICATION id created>` with ORIGIN, CODE, BODY"
    if form == "sinch-xml":
        return "`<postback>`, lowercase hyphenated names"
    if form == "sinch-json":
        return "one JSON object, lowercase hyphenated keys, short statuses"
    mt = Envelope.of(CATALOG["SMS_MT/N201"], form)
    mo = Envelope.of(CATALOG["SMS_MO/N211"], form)
    mms_mo = Envelope.of(CATALOG["MMS_MO/N401"], form)
    parts = ["MT root with xsi attributes" if mt.schema else "plain `<POSTBACK>` root"]
    parts.append("SMS MO " + ("with" if mo.declaration else "without") + " XML declaration")
    parts.append("MMS MO " + ("wrapped in `<NOTIFICATION>`" if mms_mo.wrap else "unwrapped"))
    return "; ".join(parts)


def _has(form: str, key: str, node: str) -> str:
    layout = CATALOG[key].forms.get(form)
    if layout is None:
        return "—"
    return "yes" if node in layout.names else "no"


def _label(entry: PostbackType) -> str:
    """N202 and E202 exist under two origins: those are named with theirs."""
    twins = sum(1 for e in CATALOG.values() if e.code == entry.code)
    return entry.key if twins > 1 else entry.code


def revisions_table() -> str:
    """What differs between the forms, read from the catalogue and the envelopes."""
    head = "| | " + " | ".join(FORMS) + " |"
    rows = [head, "|" + " --- |" * (1 + len(FORMS))]

    def row(label: str, cell: Callable[[str], str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(f) for f in FORMS) + " |")

    row("envelope", _envelope)
    row("FROM on MT (N201, N101)", lambda f: _has(f, "MMS_MT/N101", "FROM"))
    row("SMS MO TRANSACTIONID", lambda f: _has(f, "SMS_MO/N211", "TRANSACTIONID"))
    row("MMS MO SUBJECT", lambda f: _has(f, "MMS_MO/N401", "SUBJECT"))
    row("FROM_MASK on SMS MT", lambda f: _has(f, "SMS_MT/N201", "FROM_MASK"))
    row("codes", lambda f: ", ".join(_label(e) for e in CATALOG.values() if f in e.forms))
    row(
        "codes it does not have",
        lambda f: ", ".join(_label(e) for e in CATALOG.values() if f not in e.forms) or "—",
    )
    return "\n".join(rows)


def events_table() -> str:
    """How each form writes each scenario event."""
    rows = [
        "| event | what happened | " + " | ".join(FORMS) + " |",
        "|" + " --- |" * (2 + len(FORMS)),
    ]
    for event in EVENTS.values():
        cells = []
        for form in FORMS:
            written = event.forms.get(form)
            if written is None:
                cells.append("—")
                continue
            status = written.fields.get("STATUS")
            several = len(CATALOG[f"{written.origin}/{written.code}"].statuses) > 1
            cells.append(written.code + (f" `{status}`" if status and several else ""))
        rows.append(f"| `{event.name}` | {event.description} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def quirks_table() -> str:
    rows = [
        f"| `{q.name}` | {q.decision} | {', '.join(q.flavors)} | {q.description} |"
        for q in QUIRKS.values()
    ]
    return "\n".join(
        ["| quirk | §12 row | flavours | reproduces |", "| --- | --- | --- | --- |", *rows]
    )


def examples() -> str:
    parts = []
    for entry in CATALOG.values():
        parts.append(f"### {entry.key}: {entry.title}\n")
        for form in FORMS:
            if form not in entry.forms:
                continue
            flavor, revision = ("skycore-xml", form) if form.startswith("sky-") else (form, None)
            fields = example_fields(entry, form, optional=False)
            options = {"ORIGIN": entry.origin, **fields}
            body = render(entry.code, options, flavor, revision=revision, now=_EXAMPLE_TIME)
            lang = "json" if flavor == "sinch-json" else "xml"
            text = body.decode().rstrip()
            parts.append(f"{form} (required nodes only):\n\n```{lang}\n{text}\n```\n")
    return "\n".join(parts)


def generate(text: str) -> str:
    sections = {
        "revisions": revisions_table(),
        "events": events_table(),
        "catalogue": catalogue_table(),
        "quirks": quirks_table(),
        "examples": examples(),
    }
    for name, (start, end) in MARKERS.items():
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{sections[name]}\n{end}{after}"
    return text


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = generate(current)
    if "--check" in argv:
        if fresh != current:
            print("docs/wire.md is out of date: run python -m mockserver.wire.docgen")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
