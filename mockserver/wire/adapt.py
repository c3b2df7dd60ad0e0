"""Per-flavour code choices: the same event is reported with different codes by Skycore and
Sinch (PLATFORM.md section 12). Scenarios describe the Skycore sequence; ``adapt`` turns each
postback into what the chosen flavour sends."""

from __future__ import annotations

from dataclasses import replace

from mockserver.wire.model import Postback

SINCH_FLAVORS = ("sinch-xml", "sinch-json")


def adapt(postback: Postback, flavor: str) -> Postback:
    """The postback as ``flavor`` reports it.

    - decision 7: the DLR of an xHTML link SMS is MMS_MT N202 in Skycore, N102 with SENTAS SMS
      in the Sinch flavours (no MMSID, no HANDSET, as Sinch's HTML example);
    - section 4.8: an expiry (E102 ``Message Sent/Expired``) is N103 in sinch-json.
    Anything else is returned unchanged.
    """
    if flavor not in SINCH_FLAVORS or postback.origin != "MMS_MT":
        return replace(postback, flavor=flavor)
    fields = dict(postback.fields)
    code = postback.code
    if code == "N202":
        code = "N102"
        fields["SENTAS"] = "SMS"
        for name in ("MMSID", "HANDSET"):
            fields.pop(name, None)
    elif (
        code == "E102" and flavor == "sinch-json" and fields.get("STATUS") == "Message Sent/Expired"
    ):
        code = "N103"
    return Postback(postback.origin, code, fields, flavor)


def left_out(postback: Postback) -> frozenset[str]:
    """Nodes a postback's document never shows even where its layout allows them: Sinch's N102
    for an HTML (link SMS) delivery has no mms-id and no handset (PLATFORM.md 4.4)."""
    if postback.code == "N102" and postback.fields.get("SENTAS") == "SMS":
        return frozenset({"MMSID", "HANDSET"})
    return frozenset()
