"""What each accepted action does: ids in the platform's style, saved MMS state, scenario runs
whose postbacks carry the request's own values (TO, FROM, TRACKINGID, MMSID, SPID).

A run gets the request's values as vars (``to``, ``from``, ``tracking_id``, ``mmsid``,
``spid``, ``from_mask``, ``campaign_ref``, ``subject``, ``audio_name``, ``video_name``, and
the rule's or magic number's own vars such as ``reply``); only the vars the scenario declares
are passed, so a user scenario receives the values it names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from mockserver.api_rules import Outcome
from mockserver.sends.calls import CallRecord
from mockserver.sends.saved import FAILED_CODES, SavedMms
from mockserver.wire import ids
from mockserver.wire.api import ApiFailure, ApiRequest, ApiSuccess, success_for

if TYPE_CHECKING:
    from mockserver.runs import Run
    from mockserver.sends.service import SendService

log = logging.getLogger("mockserver.api")

#: The scenario an accepted action runs when no magic number or rule says otherwise.
DEFAULT_SCENARIOS = {
    "sendSMS": "sms-delivered",
    "saveMMS": "mms-save-ok",
    "sendMMS": "mms-send-inline",
    "sendSavedMMS": "mms-binary-delivered",
    "sendSavedMMSCampaign": "mms-binary-delivered",
    "sendMMSBarcode": "mms-binary-delivered",
}
#: saveMMS with audio or video: N003 once encoded (10 s to a minute).
ENCODED_SCENARIO = "mms-save-encoded"
#: when the default does not exist in the configured revision/flavour (sendMMS in sky-a)
FALLBACK_SCENARIO = "mms-binary-delivered"

Handler = Callable[["SendService", ApiRequest, Outcome, CallRecord, dict[str, int]], ApiSuccess]


def send_sms(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
             used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    tracking = ids.tracking_id("SMS", svc.next_id("sms", used))
    _run_each(svc, req, outcome, record, {"tracking_id": tracking})
    return success_for(req, TRACKINGID=tracking)


def save_mms(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
             used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    mmsid = ids.mmsid(svc.next_id("mmsid", used))
    kinds = {p.kind for slide in req.slides for p in slide.parts}
    default = ENCODED_SCENARIO if kinds & {"AUDIO", "VIDEO"} else None
    values = {
        "mmsid": mmsid,
        "audio_name": _first(req, "AUDIO"),
        "video_name": _first(req, "VIDEO"),
    }
    now = svc.platform.now()
    run = _start(svc, req, outcome, record, values, default)
    planned = run.plan.postbacks if run else ()
    result = next((p.code for p in planned if p.code in FAILED_CODES), "ok")
    ready = now + max((p.offset for p in planned), default=0.0)
    saved = SavedMms(int(mmsid), now, ready, result, run.id if run else None)
    svc.saved.save(saved, req)
    return ApiSuccess(req.action, {"MMSID": mmsid})


def send_mms(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
             used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    """sendMMS: the inline content is saved (ready at once, reusable with sendSavedMMS)."""
    now = svc.platform.now()
    mmsid = ids.mmsid(svc.next_id("mmsid", used))
    svc.saved.save(SavedMms(int(mmsid), now, now, "ok", None), req)
    tracking = ids.tracking_id("MMS", svc.next_id("mms", used))
    _run_each(svc, req, outcome, record, {"tracking_id": tracking, "mmsid": mmsid})
    return success_for(req, MMSID=mmsid, TRACKINGID=tracking)


def send_saved_mms(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
                   used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    """sendSavedMMS and sendMMSBarcode."""
    mmsid = _usable_mmsid(svc, req)
    tracking = ids.tracking_id("MMS", svc.next_id("mms", used))
    _run_each(svc, req, outcome, record, {"tracking_id": tracking, "mmsid": mmsid})
    return success_for(req, MMSID=mmsid, TRACKINGID=tracking)


def send_campaign(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
                  used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    """sendSavedMMSCampaign: the campaign has one simulated subscriber (the scenario's own
    fake number), who gets the MMS with a TRACKINGID of its own."""
    mmsid = _usable_mmsid(svc, req)
    scheduled = str(svc.next_id("scheduled", used))
    tracking = ids.tracking_id("MMS", svc.next_id("mms", used))
    _start(svc, req, outcome, record, {"tracking_id": tracking, "mmsid": mmsid}, None)
    return ApiSuccess(req.action, {"MMSID": mmsid, "SCHEDULEDID": scheduled})


def get_mms_ids(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
                used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    found = svc.saved.ids()
    if not found:
        raise ApiFailure("E200", "nothing was saved yet: saveMMS (or sendMMS) first")
    return ApiSuccess(req.action, {"MMSIDS": ",".join(str(i) for i in found)})


def remove_inbox_message(svc: SendService, req: ApiRequest, outcome: Outcome,
                         record: CallRecord, used: dict[str, int]) -> ApiSuccess:  # fmt: skip
    """removeMMSInboxMessage: an MMS MO the inbox holds (its TRACKINGID); a message still
    waiting for moderation is rejected (no N401 goes out)."""
    inbox_id = req.get("MMSINBOXID") or ""
    platform = svc.platform
    store = platform.store
    if store.execute("SELECT 1 FROM mms_inbox_removed WHERE id = ?", (inbox_id,)):
        raise ApiFailure("E641", f"MMS inbox message {inbox_id} was removed already")
    sent = store.execute(
        "SELECT 1 FROM postbacks WHERE tracking_id = ? AND origin = 'MMS_MO' LIMIT 1", (inbox_id,)
    )
    held = [i for i in platform.inbox.items(state=None) if i.get("trackingid") == inbox_id]
    if not sent and not held:
        raise ApiFailure("E641", f"no MMS MO with TRACKINGID {inbox_id} in the inbox")
    for item in held:
        if item["state"] == "pending":
            platform.inbox.reject(item["id"])
    with store.transaction() as conn:
        conn.execute("INSERT INTO mms_inbox_removed (id, removed) VALUES (?, ?)",
                     (inbox_id, platform.now()))  # fmt: skip
    return ApiSuccess(req.action, {"MMSINBOXID": inbox_id})


ACTION_HANDLERS: dict[str, Handler] = {
    "sendSMS": send_sms,
    "saveMMS": save_mms,
    "sendMMS": send_mms,
    "sendSavedMMS": send_saved_mms,
    "sendSavedMMSCampaign": send_campaign,
    "sendMMSBarcode": send_saved_mms,
    "getMmsIds": get_mms_ids,
    "removeMMSInboxMessage": remove_inbox_message,
}


def _usable_mmsid(svc: SendService, req: ApiRequest) -> str:
    mmsid = req.get("MMSID") or ""
    number = int(mmsid) if mmsid.isdigit() else 0
    saved = svc.saved.get(number) if 0 < number < 2**62 else None
    if saved is None:
        raise ApiFailure("E241", f"MMSID {mmsid} was never saved here: saveMMS it first")
    state = saved.state(svc.platform.now())
    if state == "encoding":
        wait = saved.ready - svc.platform.now()
        raise ApiFailure("E626", f"MMSID {mmsid} is still encoding for {wait:.0f} s more")
    if state == "failed":
        raise ApiFailure("E241", f"MMSID {mmsid} failed to encode ({saved.result}): save it again")
    return mmsid


def _first(req: ApiRequest, kind: str) -> str:
    return next((p.url for slide in req.slides for p in slide.parts if p.kind == kind), "")


def _request_vars(req: ApiRequest) -> dict[str, str]:
    pairs = (("from", "FROM"), ("spid", "OPERATORID"), ("from_mask", "FROM_MASK"),
             ("campaign_ref", "CAMPAIGNREF"), ("subject", "SUBJECT"))  # fmt: skip
    return {var: value for var, param in pairs if (value := req.get(param))}


def _run_each(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
              values: Mapping[str, str]) -> None:  # fmt: skip
    """One run per recipient (TO may list up to 100 numbers), all with the reply's ids."""
    for to in req.recipients or ((req.to,) if req.to else ()):
        _start(svc, req, outcome, record, {**values, "to": to}, None)


def _start(svc: SendService, req: ApiRequest, outcome: Outcome, record: CallRecord,
           values: Mapping[str, str], default: str | None) -> Run | None:  # fmt: skip
    """Plan the outcome's scenario (else the default) with the request's values; the run is
    stored with the call's log entry (``SendService``). A run that cannot start (a rule
    naming an unknown scenario, ...) is noted in the call's log, and the request is still
    accepted."""
    platform = svc.platform
    name = outcome.scenario or _default(svc, req.action, default)
    try:
        scenario = platform.scenario(name)
        given = {**_request_vars(req), **values, **outcome.vars}
        variables = {k: v for k, v in given.items() if v and k in scenario.var_names}
        run = platform.plan_run(name, variables, pins=tuple(outcome.pins))
    except Exception as exc:
        log.warning("platform API: could not start scenario %r: %s", name, exc)
        note = f"scenario {name!r} could not start: {exc}"
        record.detail = f"{record.detail}; {note}" if record.detail else note
        return None
    record.run_ids.append(run.id)
    record.runs.append(run)
    return run


def _default(svc: SendService, action: str, default: str | None) -> str:
    settings = svc.platform.settings
    configured = settings.api_defaults.get(action)
    if configured:
        return configured
    name = default or DEFAULT_SCENARIOS[action]
    if not svc.platform.scenario_supports(name, settings.flavor, settings.revision):
        return FALLBACK_SCENARIO
    return name
