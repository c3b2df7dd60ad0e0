"""``python bench/_fixed_reply.py serve ...``: `mockserver serve` whose send API answers every
call with a fixed sendSMS reply, doing nothing else (no parsing, no run, no postback).

For ``bench/api.py --http-only``: what the server's HTTP path costs (waitress, the fast lane,
the Host checks) once the simulator's own work is taken out. A benchmark aid only.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mockserver.cli import main
from mockserver.sends import service

REPLY = (
    b"<RESPONSE>\n    <STATUS>Success</STATUS>\n    <TRACKINGID>U01TXzc2Nzg2Nw==</TRACKINGID>\n"
    b"    <TO>15551234888</TO>\n</RESPONSE>"
)


def fixed_reply(self: service.SendService, raw: service.RawCall) -> service.ApiReply:
    return service.ApiReply(200, REPLY, "text/html; charset=UTF-8")


if __name__ == "__main__":
    service.SendService.call = fixed_reply  # type: ignore[method-assign]
    sys.argv = ["mockserver", *sys.argv[1:]]
    main()
