"""Regenerate the generated parts of docs/wire.md from the catalogue, so they cannot drift.

python -m mockserver.wire.docgen          # rewrite docs/wire.md in place
python -m mockserver.wire.docgen --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from mockserver.wire.catalog import CATALOG, PostbackType
from mockserver.wire.quirks import QUIRKS
from mockserver.wire.render import render
from mockserver.wire.revisions import FORMS
from mockserver.wire.samples import example_fields

_EXAMPLE_TIME = datetime(2013, 11, 5, 10, 41, 8, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "wire.md"
MARKERS = {
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
    sections = {"catalogue": catalogue_table(), "quirks": quirks_table(), "examples": examples()}
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
