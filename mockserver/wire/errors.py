"""Exceptions raised by the wire layer. All derive from :class:`WireError` (a ``ValueError``)."""


class WireError(ValueError):
    """Base class of every error the wire layer raises."""


class UnknownCodeError(WireError):
    """A notification code (or origin/code pair) that the catalogue does not hold."""


class FlavorError(WireError):
    """An unknown flavour, or a code that the flavour's documents never show."""


class FieldError(WireError):
    """A field that the postback type does not have, lacks, or cannot hold."""


class QuirkError(WireError):
    """An unknown verbatim-quirk name, or a quirk that does not apply."""


class ParseError(WireError):
    """A body that is not a postback: not XML/JSON, wrong root, unknown nodes."""


class UnsafeXMLError(ParseError):
    """XML that uses a DTD, entities or external references (refused, never expanded)."""
