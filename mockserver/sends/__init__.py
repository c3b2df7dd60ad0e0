"""The platform's send API, backend side: what an accepted request does (runs, saved MMS,
the MMS inbox), the call log, faults and limits. No Flask here; ``web/platform_api.py`` is the
blueprint over :class:`SendService` (``MockPlatform.api``)."""
