"""Document revisions: which set of the platform's documents a postback is written after.

The Skycore v1.3 documents changed over time (PLATFORM.md section 0). A *form* is one
consistent set of layouts; every postback is rendered in exactly one form:

- ``sky-a``: the seed documents (2013-11 to 2014-03): xsi attributes on the MT root, no FROM on
  MT, failures reported under N102/N201/N202 with a failure status, the MMS MO wrapped in
  NOTIFICATION without SUBJECT, the SMS MO without TRANSACTIONID. The default.
- ``sky-b``: the later Skycore revision (2014-06 to 2015): plain root, FROM/FROM_MASK on MT,
  E102/E201/E202 for failures, SUBJECT on the MMS MO (unwrapped), TRANSACTIONID on the SMS MO.
- ``sky-legacy``: before 2013-11: each notification wrapped as
  ``<NOTIFICATION id created>`` with ORIGIN, CODE and BODY inside one ``<POSTBACK>``.

The revision is an axis of the ``skycore-xml`` flavour; ``sinch-xml`` and ``sinch-json`` are
each one set of documents, so for them the form is the flavour and the revision is ignored.
"""

from __future__ import annotations

from mockserver.wire.errors import FlavorError

REVISIONS: tuple[str, ...] = ("sky-a", "sky-b", "sky-legacy")
DEFAULT_REVISION = "sky-a"
#: every form a layout can be written in, oldest Skycore first
FORMS: tuple[str, ...] = ("sky-legacy", "sky-a", "sky-b", "sinch-xml", "sinch-json")
#: one line each, for listings and docs
REVISION_TITLES = {
    "sky-a": "Skycore v1.3 as the seed documents print it (2013-11 to 2014-03)",
    "sky-b": "Skycore v1.3, later revision (2014-06 to 2015)",
    "sky-legacy": "Skycore v1.3 before 2013-11: NOTIFICATION/BODY bundles",
}


def check_revision(revision: str) -> str:
    if revision not in REVISIONS:
        import difflib

        close = difflib.get_close_matches(str(revision), REVISIONS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise FlavorError(
            f"unknown revision {revision!r}{hint} (choose one of {', '.join(REVISIONS)})"
        )
    return revision


def form_of(flavor: str, revision: str | None = None) -> str:
    """The form a flavour is written in under ``revision`` (default: the seeds' sky-a)."""
    if flavor != "skycore-xml":
        return flavor
    return check_revision(revision or DEFAULT_REVISION)
