"""Extract the postback anatomies printed in the seed documents (../shared/seeds).

The extracted texts are committed under tests/wire/golden/ so the suite runs anywhere;
``test_golden_files_match_seeds`` re-extracts them when the seeds are beside the checkout.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"

#: (seed file, kind of block, names given to the blocks in order; None skips a block)
_LAYOUT = {
    "000_52b5622752139a7e.txt": (
        "pre",
        ["sky_n211_seed000", "legacy_bundle_n211", None, "sky_n401_seed000"],
    ),
    "001_1cff5a2114cbcbfd.txt": ("md", ["sky_n211_seed001", "sky_n401_seed001"]),
    "002_73ced19db7af8b7a.txt": (
        "pre",
        [
            "sky_sms_n201",
            "sky_sms_n202",
            "sky_n101_binary",
            "sky_n102_binary",
            "sky_n101_xhtml",
            "sky_n202_xhtml",
            "sky_n101_degraded",
            "sky_n202_degraded",
            "sky_e101",
            "sky_n003",
            "sky_e002",
        ],
    ),
    "004_53b46aee3d3a33ba.txt": ("md", ["sinch_n401_seed004"]),
}


def extract(seed_dir: Path = SEEDS) -> dict[str, str]:
    """Every anatomy, as printed (HTML entities decoded), keyed by golden file stem."""
    found: dict[str, str] = {}
    for filename, (kind, names) in _LAYOUT.items():
        text = (seed_dir / filename).read_text(encoding="utf-8")
        pattern = r"<pre>\n?(.*?)</pre>" if kind == "pre" else r"```xml\n(.*?)```"
        blocks = [html.unescape(b) for b in re.findall(pattern, text, re.S)]
        assert len(blocks) == len(names), f"{filename}: {len(blocks)} blocks"
        for name, block in zip(names, blocks, strict=True):
            if name:
                found[name] = block.strip("\n") + "\n"
    sinch = (seed_dir / "003_03eaec71abeb434e.txt").read_text(encoding="utf-8")
    match = re.search(r"<postback>.*?</postback>", sinch, re.S)
    assert match
    found["sinch_n401_seed003"] = match.group(0) + "\n"
    return found


def golden() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.xml"))}


if __name__ == "__main__":  # regenerate: python tests/wire/seeds.py
    GOLDEN.mkdir(exist_ok=True)
    for stem, body in extract().items():
        (GOLDEN / f"{stem}.xml").write_text(body, encoding="utf-8")
        print("wrote", stem)
