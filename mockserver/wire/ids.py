"""The platform's identifier shapes (PLATFORM.md section 3).

Every generator takes a ``random.Random`` (or a counter) so seeded runs are reproducible.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import re
import string

#: unseeded draws (run ids, the seed of an unseeded run): seeded from the OS once per process
#: (and again in a forked child), not on every call as ``uuid4`` and ``SystemRandom`` are
_FRESH = random.Random()
os.register_at_fork(after_in_child=_FRESH.seed)
_ALNUM = string.ascii_letters + string.digits
_UPPER_ALNUM = string.digits + string.ascii_uppercase

TRACKING_KINDS = ("SMS", "MMS")
_RAW_TRACKING = re.compile(r"^(SMS|MMS)_(\d+)$")
MMS_MO_ID = re.compile(r"^MMS_MO_[A-Za-z0-9]{8}$")
AGGREGATOR_ID = re.compile(r"^[0-9A-Z]{5}(-[0-9A-Z]{5}){3,4}$")
TRANSACTION_ID = re.compile(r"^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$")


def fresh_bits(bits: int) -> int:
    """``bits`` random bits, unrelated to any seed (unique run ids, fresh seeds)."""
    return _FRESH.getrandbits(bits)


def tracking_id(kind: str, number: int) -> str:
    """TRACKINGID as the platform prints it: base64 of ``SMS_<n>`` or ``MMS_<n>``.

    >>> tracking_id("MMS", 597879)
    'TU1TXzU5Nzg3OQ=='
    """
    if kind not in TRACKING_KINDS:
        raise ValueError(f"tracking id kind must be SMS or MMS, not {kind!r}")
    if number < 0:
        raise ValueError(f"tracking id number must be >= 0, not {number}")
    return base64.b64encode(f"{kind}_{number}".encode()).decode("ascii")


def decode_tracking_id(value: str) -> tuple[str, int] | None:
    """``("MMS", 597879)`` for a platform-style TRACKINGID (base64 or raw), else None."""
    match = _RAW_TRACKING.match(value)
    if match is None:
        try:
            decoded = base64.b64decode(value.encode("ascii"), validate=True).decode("ascii")
        except (binascii.Error, UnicodeError, ValueError):
            return None
        match = _RAW_TRACKING.match(decoded)
    if match is None:
        return None
    return match.group(1), int(match.group(2))


def mms_mo_id(rng: random.Random) -> str:
    """An MMS MO TRACKINGID: ``MMS_MO_`` and 8 alphanumerics (``MMS_MO_iLnCRrL6``)."""
    return "MMS_MO_" + "".join(rng.choice(_ALNUM) for _ in range(8))


def _groups(rng: random.Random, count: int) -> str:
    return "-".join("".join(rng.choice(_UPPER_ALNUM) for _ in range(5)) for _ in range(count))


def aggregator_id(rng: random.Random) -> str:
    """AGGREGATORID: groups of five digits/capitals (``11529-64807-97508-73852-97658``; the
    documents also show four groups, ``5114E-07230-09382-0762U``)."""
    return _groups(rng, 5)


def transaction_id(rng: random.Random) -> str:
    """SMS MO TRANSACTIONID: four groups of five (``511XG-02294-192SA-482H8``)."""
    return _groups(rng, 4)


#: Random byte -> digit/capital for :func:`quick_transaction_id`: the 252 byte values below
#: 7 x 36 map onto the 36 characters 7 times each; the 4 above are dropped, so every character
#: stays equally likely.
_BYTE_TO_CHAR = bytes(ord(_UPPER_ALNUM[b % 36]) for b in range(256))
_SPARE_BYTES = bytes(range(252, 256))


def quick_transaction_id(rng: random.Random) -> str:
    """:func:`transaction_id`'s shape and distribution, ten times faster (one ``randbytes``
    call instead of 20 ``choice`` calls), but a different sequence for a given seed: for an
    unseeded ``rng`` only, where no run has to be reproduced."""
    chars = b""
    while len(chars) < 20:
        chars += rng.randbytes(24).translate(_BYTE_TO_CHAR, _SPARE_BYTES)
    text = chars[:20].decode("ascii")
    return f"{text[:5]}-{text[5:10]}-{text[10:15]}-{text[15:]}"


def mmsid(number: int) -> str:
    """MMSID: the saved MMS's integer id, as text (``39597``)."""
    if number <= 0:
        raise ValueError(f"MMSID must be a positive integer, not {number}")
    return str(number)
