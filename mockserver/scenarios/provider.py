"""A Faker provider for the platform's own data: numbers, carrier ids, handsets, platform ids.

Formats follow PLATFORM.md sections 3 and 8. Every value comes from the generator's seeded
random source, so a run with a fixed seed produces the same values. Tracking ids use a counter
(started at a random value) so ids within one run never collide.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

from faker.providers import BaseProvider

from mockserver.scenarios.spid_data import SPIDS
from mockserver.wire import ids

DEFAULT_MEDIA_BASE = "http://127.0.0.1:8055"
_ALNUM = string.ascii_letters + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits

#: country -> (calling code, mobile prefixes, national number length)
_MOBILE: dict[str, tuple[str, tuple[str, ...], int]] = {
    "US": ("1", (), 10),
    "CA": ("1", (), 10),
    "GB": ("44", ("74", "75", "77", "78", "79"), 10),
    "DE": ("49", ("151", "152", "160", "170", "171", "176"), 11),
    "FR": ("33", ("6", "7"), 9),
    "ES": ("34", ("6",), 9),
    "IT": ("39", ("32", "33", "34", "36"), 10),
    "MX": ("52", ("55", "33", "81"), 10),
    "AU": ("61", ("4",), 9),
    "IN": ("91", ("9", "8", "7"), 10),
}
_COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom"}
#: the carriers most traffic goes to (PLATFORM.md section 8), with rough weights
_US_MAJOR = (("0001470", 35), ("0001890", 30), ("0001570", 25), ("0001650", 5), ("0001770", 5))
_SINCH_OPERATORS = ("31002", "31003", "31004", "31005", "31062")
_HANDSETS = (
    "motol7c",
    "moto17c",
    "iphone6",
    "iphone12",
    "iphone15pro",
    "sgs21u",
    "sgs23",
    "pixel7",
    "lgk51",
    "sm-a515u",
)
_TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")


class PlatformProvider(BaseProvider):
    """``fake.msisdn()``, ``fake.spid()``, ``fake.tracking_id("MMS")`` and the rest."""

    media_base_url = DEFAULT_MEDIA_BASE
    default_country = "US"
    flavor = "skycore-xml"

    def __init__(self, generator: object) -> None:
        super().__init__(generator)
        self._counter = 0

    def reset(self) -> None:
        """Forget the run's counter (a pooled provider starts each run afresh)."""
        self._counter = 0

    # -- numbers ---------------------------------------------------------------------------
    def msisdn(self, country: str | None = None) -> str:
        """A mobile number in international format without ``+`` (``16503333058``)."""
        code = (country or self.default_country).upper()
        if code not in _MOBILE:
            known = ", ".join(_MOBILE)
            raise ValueError(f"msisdn: no numbering plan for {code!r}; use one of {known}")
        cc, prefixes, digits = _MOBILE[code]
        if not prefixes:
            return cc + self._nanp()
        prefix = self.random_element(prefixes)
        return cc + prefix + self.numerify("#" * (digits - len(prefix)))

    def _nanp(self) -> str:
        area = f"{self.random_int(2, 9)}{self.numerify('##')}"
        exchange = f"{self.random_int(2, 9)}{self.numerify('##')}"
        return area + exchange + self.numerify("####")

    def shortcode(self) -> str:
        """A US common short code: five digits (sometimes six)."""
        digits = 6 if self.random_int(0, 9) == 0 else 5
        return str(self.random_int(2, 9)) + self.numerify("#" * (digits - 1))

    def longcode(self) -> str:
        """A 10DLC (local ten-digit) number with the country code: ``1`` + NANP."""
        return "1" + self._nanp()

    def tollfree(self) -> str:
        """A US toll-free number with the country code (``18885551234``)."""
        return "1" + self.random_element(_TOLL_FREE) + self.numerify("#######")

    # -- carriers and handsets --------------------------------------------------------------
    def spid(self, country: str | None = None, carrier: str | None = None) -> str:
        """A carrier id as the run's flavour prints it: in the Sinch flavours a Sinch
        ``operator-id``, else a 7-digit Skycore SPID from Appendix E (US: weighted towards
        the big four)."""
        code = (country or self.default_country).upper()
        if self.flavor.startswith("sinch") and code == "US" and carrier is None:
            return self.operator_id()
        if code == "US" and carrier is None:
            ids = [s for s, _ in _US_MAJOR]
            return self.generator.random.choices(ids, [w for _, w in _US_MAJOR])[0]  # type: ignore[no-any-return]
        name = _COUNTRY_NAMES.get(code, code)
        rows = [r for r in SPIDS if r[0] == name and r[1] != "All Carriers"]
        if carrier is not None:
            rows = [r for r in rows if carrier.lower() in r[1].lower()]
        if not rows:
            raise ValueError(f"spid: no carrier matches country={code!r} carrier={carrier!r}")
        return str(self.random_element(rows)[2])

    def carrier_name(self, spid: str) -> str:
        """The carrier of a SPID (the first row when Appendix E lists the id twice)."""
        for _country, carrier, value in SPIDS:
            if value == spid:
                return carrier
        return "Unknown"

    def operator_id(self) -> str:
        """A Sinch ``operator-id`` (31002 AT&T, 31003 Verizon, 31004 T-Mobile, ...)."""
        return str(self.random_element(_SINCH_OPERATORS))

    def handset(self) -> str:
        """A handset profile as a delivery receipt reports it (``motol7c``)."""
        return str(self.random_element(_HANDSETS))

    # -- platform ids -----------------------------------------------------------------------
    def tracking_id(self, kind: str = "SMS") -> str:
        """``base64("SMS_<n>")`` or ``base64("MMS_<n>")``, as in v1.3 (``U01TXzgwNjc4``)."""
        if kind not in ids.TRACKING_KINDS:
            raise ValueError(f"tracking_id: kind must be 'SMS' or 'MMS', not {kind!r}")
        return ids.tracking_id(kind, self._next_number())

    def _next_number(self) -> int:
        if not self._counter:
            self._counter = self.random_int(10_000, 899_999)
        self._counter += 1
        return self._counter

    def mms_mo_id(self) -> str:
        """An MMS MO tracking id (= MMS Inbox id): ``MMS_MO_`` + 8 alphanumerics."""
        return ids.mms_mo_id(self.generator.random)

    def mmsid(self) -> int:
        """The integer id of a saved MMS (``39597``)."""
        return self.random_int(10_000, 999_999)

    def aggregator_id(self) -> str:
        """``11529-64807-97508-73852-97658`` or ``5114E-07230-09382-0762U``."""
        # the draws of random_int(0, 1), numerify("#####") and _chars, made directly (a send
        # plans one of these; Faker's helpers cost most of it)
        rng = self.generator.random
        if rng.randrange(2):
            return "-".join(_digits(rng, 5) for _ in range(5))
        first = _digits_chosen(rng, 4) + rng.choice(_UPPER_ALNUM)
        middle = [_digits_chosen(rng, 5) for _ in range(2)]
        last = _digits_chosen(rng, 4) + rng.choice(string.ascii_uppercase)
        return "-".join([first, *middle, last])

    def transaction_id(self) -> str:
        """An SMS MO transaction id: ``511XG-02294-192SA-482H8``."""
        return ids.transaction_id(self.generator.random)

    def media_url(self, ext: str = "jpg") -> str:
        """A media file served by the simulator itself (``/mock/media/<id>.<ext>``)."""
        return f"{self.media_base_url.rstrip('/')}/mock/media/{self._chars(_ALNUM, 12)}.{ext}"

    def media_urls(self, exts: Sequence[str] = ("jpg", "txt", "smil")) -> list[str]:
        """Several media URLs, one per extension (an MMS MO's parts, SMIL included)."""
        return [self.media_url(ext) for ext in exts]

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self.random_element(alphabet) for _ in range(n))


def _digits(rng: random.Random, n: int) -> str:
    """``numerify("#" * n)``: a ``randint(0, 9)`` per digit."""
    randint = rng.randint
    return "".join([str(randint(0, 9)) for _ in range(n)])


def _digits_chosen(rng: random.Random, n: int) -> str:
    """``_chars(string.digits, n)``: a ``choice`` per digit."""
    choice = rng.choice
    return "".join([choice(string.digits) for _ in range(n)])
