"""mockserver: a local simulator of the Skycore / Sinch SMS and MMS platform."""

__version__ = "0.1.0"

__all__ = ["__version__"]
