"""Example values for every node, as the documents print them: used by docs/wire.md's generator,
the round-trip tests and anyone who wants a complete postback quickly."""

from __future__ import annotations

from mockserver.wire.catalog import CATALOG, PostbackType
from mockserver.wire.legacy import STATUS_ATTRIBUTES
from mockserver.wire.model import FieldValue

SAMPLE: dict[str, FieldValue] = {
    "STATUS": "Message Sent",
    "SENTAS": "MMS",
    "MMSID": "39597",
    "FROM": "60856",
    "FROM_MASK": "",
    "TO": "16501112222",
    "TRACKINGID": "TU1TXzU5Nzg3OQ==",
    "SPID": "0001570",
    "OPERATORNAME": "T-Mobile",
    "TIMESTAMP": "2012-06-07T07:27:29-05:00",
    "STATUSDETAILS": "Recipient blocked by mobile operator",
    "HANDSET": "motol7c",
    "AGGREGATORID": "11529-64807-97508-73852-97658",
    "AUDIONAME": "http://www.yoursite.com/audio/1.mp3",
    "VIDEONAME": "http://www.yoursite.com/video/1.3gp",
    "IMAGENAME": "http://www.yoursite.com/image/1.jpg",
    "KEYWORD": "all",
    "SUBJECT": "Hello there",
    "CONTENT": ["http://127.0.0.1:8055/mock/media/1.jpg", "http://127.0.0.1:8055/mock/media/2.txt"],
    "TEXT": "STOP",
    "RECEIVED": "2011-09-28T17:31:02-04:00",
    "TRANSACTIONID": "511XG-02294-192SA-482H8",
    "CAMPAIGNREF": "spring-sale",
    "CLIENTREFERENCE": "order-1234",
    "HISTORYID": "521495",
}


def example_fields(
    entry: PostbackType, flavor: str, status: str | None = None, *, optional: bool = True
) -> dict[str, FieldValue]:
    """Every node of a layout (or only the required ones) with sample values. ``flavor`` is a
    flavour (skycore-xml: the nearest revision to sky-a that has the code) or a form."""
    form = flavor if flavor in entry.forms else entry.form_for(flavor)
    layout = entry.forms[form]
    fields = {n.name: SAMPLE[n.name] for n in layout.nodes if optional or n.required}
    if "STATUS" in fields:
        fields["STATUS"] = status or entry.statuses[0]
    if "SENTAS" in fields:
        fields["SENTAS"] = entry.defaults.get("SENTAS", "MMS")
    return fields


def documented_cases() -> list[tuple[str, str, str | None]]:
    """(catalogue key, form, status) for every combination the catalogue holds (sky-legacy:
    only the statuses its STATUS element documents)."""
    return [
        (key, form, status)
        for key, entry in CATALOG.items()
        for form in entry.forms
        for status in entry.statuses or (None,)
        if form != "sky-legacy" or status is None or (entry.origin, status) in STATUS_ATTRIBUTES
    ]
