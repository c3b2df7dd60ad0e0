"""The browser UI's pages through Flask's test client (the browser tests: test_browser.py)."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.platform import MockPlatform
from mockserver.web.ui import pretty_body
from tests.receiver import Receiver

SCRIPT = "<script>alert(1)</script>"
PAGES = ("/", "/scenarios", "/phone", "/moderation", "/log", "/settings")


def sms(client: FlaskClient, text: str = "hello", sender: str = "15550001111") -> int:
    answer = client.post("/mock/api/v1/mo/sms", json={"from": sender, "to": "60856", "text": text})
    assert answer.status_code == 201
    return int(answer.get_json()["postback_id"])


def html(client: FlaskClient, path: str, status: int = 200) -> str:
    answer = client.get(path)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_the_frame(client: FlaskClient, path: str) -> None:
    page = html(client, path)
    assert page.startswith("<!doctype html>")
    assert 'href="/ui/static/ui.css' in page
    assert 'src="/ui/static/ui.js' in page
    assert 'aria-current="page"' in page  # the page's own tab is marked
    assert 'class="skip" href="#main"' in page


def test_static_files_are_served(client: FlaskClient) -> None:
    with client.get("/ui/static/ui.js") as script:
        assert b"EventSource" in script.data
    with client.get("/ui/static/ui.css") as style:
        assert style.mimetype == "text/css"


@pytest.mark.parametrize("path", ["/", "/log", "/phone?number=15550001111"])
def test_message_text_is_escaped(client: FlaskClient, platform: MockPlatform, path: str) -> None:
    sms(client, SCRIPT)
    platform.advance(0)
    page = html(client, path)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_postback_page_escapes_body_fields_and_response(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    receiver.plan("/postback", 200)
    postback_id = sms(client, SCRIPT)
    platform.advance(0)
    page = html(client, f"/log/{postback_id}")
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # summary, fields
    assert "&lt;TEXT&gt;&amp;lt;script&amp;gt;alert(1)" in page  # the XML body, as text
    assert 'id="attempt-1"' in page
    assert "HTTP 200" in page


def test_dashboard_counts_and_feed(client: FlaskClient, platform: MockPlatform) -> None:
    assert "Nothing sent yet" in html(client, "/")
    sms(client, "first")
    sms(client, "second")
    platform.advance(0)
    page = html(client, "/")
    assert re.search(r'data-state-count="delivered">2<', page)
    assert page.index("second") < page.index("first")  # newest first
    assert platform.settings.postback_url in page


def test_partial_is_only_the_live_part(client: FlaskClient) -> None:
    sms(client, "fragment")
    part = html(client, "/?partial=1")
    assert "<html" not in part
    assert "fragment" in part
    assert 'id="feed"' in part


def test_run_timeline_draws_each_attempt(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    receiver.plan("/postback", 500, 200)
    run = client.post("/mock/api/v1/scenarios/sms-delivered/runs", json={"seed": 1}).get_json()
    before = html(client, f"/runs/{run['run_id']}")
    assert before.count('class="hit') == 0
    assert "due in" in before
    platform.run_until_idle()
    page = html(client, f"/runs/{run['run_id']}")
    assert page.count('class="hit bad"') == 1  # the first attempt got a 500
    assert page.count('class="hit ok"') == 2
    assert "HTTP 500" in page
    assert f'href="/log/{run["postbacks"][0]["postback_id"]}#attempt-1"' in page
    tracking = run["ids"]["TRACKINGID"]
    message = html(client, f"/messages/{tracking}")
    assert message.count("<circle") == 3


def test_unknown_timeline_is_an_html_404(client: FlaskClient) -> None:
    assert "no run" in html(client, "/runs/nope", 404)
    assert "no postback with tracking id" in html(client, "/messages/nope", 404)


def test_launcher_lists_scenarios_with_steps(client: FlaskClient, platform: MockPlatform) -> None:
    page = html(client, "/scenarios/sms-not-delivered")
    for scenario in platform.scenarios():
        assert f'href="/scenarios/{scenario["name"]}"' in page
    assert "sms.undelivered" in page
    assert 'name="pin" value="expired"' in page
    assert 'name="var.to"' in page


def test_launcher_runs_with_overrides(client: FlaskClient, platform: MockPlatform) -> None:
    form = {"var.to": "15557654321", "flavor": "sinch-json", "revision": "sky-b", "seed": "42",
            "pin": "expired", "postback_url": "http://127.0.0.1:9/elsewhere"}  # fmt: skip
    answer = client.post("/scenarios/sms-not-delivered/run", data=form)
    assert answer.status_code == 303
    run_id = answer.headers["Location"].rsplit("/", 1)[1]
    run = platform.run(run_id)
    assert run is not None
    assert (run["flavor"], run["revision"], run["seed"], run["pins"]) == (
        "sinch-json", "sky-b", 42, ["expired"])  # fmt: skip
    rows = platform.postbacks(run_id=run_id)
    assert {r["url"] for r in rows} == {"http://127.0.0.1:9/elsewhere"}
    assert all(r["code"] != "E202" or True for r in rows)
    assert "15557654321" in html(client, f"/runs/{run_id}?partial=1") or rows


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"seed": "x"}, "seed must be a whole number"),
        ({"postback_url": "/relative"}, "not an absolute"),
        ({"flavor": "nope"}, "flavor"),
    ],
)
def test_launcher_refusals_keep_the_form(
    client: FlaskClient, form: dict[str, str], message: str
) -> None:
    answer = client.post("/scenarios/sms-delivered/run", data={"var.to": "1555", **form})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'class="banner bad"' in page
    assert message in page
    assert 'value="1555"' in page  # what was typed is still there


def test_phone_sends_sms_and_shows_the_conversation(
    client: FlaskClient, platform: MockPlatform
) -> None:
    answer = client.post(
        "/phone/sms", data={"number": "15551112222", "to": "60856", "text": "HELLO"}
    )
    assert answer.status_code == 303
    assert "done=sms" in answer.headers["Location"]
    row = platform.postbacks()[0]
    assert (row["code"], platform.postback(row["id"])["fields"]["FROM"]) == ("N211", "15551112222")
    page = html(client, "/phone?number=15551112222")
    assert "bubble mine" in page
    assert "HELLO" in page
    assert "HELLO" not in html(client, "/phone?number=15559999999")


def test_phone_shows_mt_sent_to_the_handset(client: FlaskClient, platform: MockPlatform) -> None:
    client.post("/mock/api/v1/scenarios/sms-delivered/runs", json={"vars": {"to": "15553334444"}})
    platform.run_until_idle()
    page = html(client, "/phone?number=15553334444")
    assert "bubble theirs" in page
    assert "N201" in page
    assert "N202" in page


def test_phone_shows_the_text_the_app_sent_through_the_api(
    client: FlaskClient, platform: MockPlatform
) -> None:
    xml = (
        "<REQUEST><ACTION>sendSMS</ACTION><API_KEY>k</API_KEY><TO>15553335599</TO>"
        "<FROM>60856</FROM><TEXT>Your order &lt;42&gt; has shipped</TEXT></REQUEST>"
    )
    reply = client.post("/API/wxml/1.3/index.php", data={"xml": xml})
    assert b"<STATUS>Success</STATUS>" in reply.data
    platform.run_until_idle()
    page = html(client, "/phone?number=15553335599")
    assert "Your order &lt;42&gt; has shipped" in page  # the app's text, escaped
    assert "N201" in page


def test_phone_refuses_bad_input_with_a_message(client: FlaskClient) -> None:
    answer = client.post("/phone/sms", data={"number": "", "to": "60856", "text": "x"})
    # an empty number falls back to the default handset; an over-long short code does not
    assert answer.status_code == 303
    answer = client.post("/phone/mms", data={"number": "1555", "to": "60856"})
    assert answer.status_code == 400
    assert "files" in answer.get_data(as_text=True)


def test_mms_upload_is_served_and_held_for_moderation(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    platform.configure(moderation=True)
    data = {"number": "15554445555", "to": "60856", "subject": "Look", "keyword": "PIC",
            "upload": (io.BytesIO(b"GIF89a-picture"), "cat.gif"),
            "urls": "https://example.com/a.jpg\n"}  # fmt: skip
    answer = client.post("/phone/mms", data=data, content_type="multipart/form-data")
    assert answer.status_code == 303
    assert "done=held" in answer.headers["Location"]
    (item,) = platform.inbox.items()
    assert item["content"][0] == "https://example.com/a.jpg"
    served = client.get(item["content"][1].removeprefix("http://localhost"))
    assert served.data == b"GIF89a-picture"
    assert served.mimetype == "image/gif"
    assert served.headers["Content-Security-Policy"] == "sandbox"
    page = html(client, "/moderation")
    assert "Look" in page
    assert f'src="{item["content"][1]}"' in page
    answer = client.post("/moderation", data={"action": "approve", "id": str(item["id"])})
    assert answer.status_code == 303
    assert "done=approved" in answer.headers["Location"]
    platform.advance(0)
    assert b"N401" in receiver.bodies()[0]
    assert "Nothing is waiting" in html(client, "/moderation")


def test_an_uploaded_page_is_never_served_inline(client: FlaskClient) -> None:
    data = {"number": "1555", "upload": (io.BytesIO(b"<script>x</script>"), "evil.html")}
    client.post("/phone/mms", data=data, content_type="multipart/form-data")
    item = client.get("/mock/api/v1/postbacks?limit=1").get_json()["postbacks"][0]
    url = client.get(f"/mock/api/v1/postbacks/{item['id']}").get_json()["fields"]["CONTENT"][0]
    served = client.get(url.removeprefix("http://localhost"))
    assert served.mimetype == "application/octet-stream"
    assert served.headers["Content-Disposition"].startswith("attachment")


def test_moderation_rejects_many(client: FlaskClient, platform: MockPlatform) -> None:
    body = {
        "from": "1555",
        "to": "60856",
        "files": ["https://example.com/a.jpg"],
        "moderation": True,
    }
    ids = [
        client.post("/mock/api/v1/mo/mms", json=body).get_json()["moderation_id"] for _ in range(3)
    ]
    answer = client.post("/moderation", data={"action": "reject", "id": [str(i) for i in ids[:2]]})
    assert answer.status_code == 303
    assert "n=2" in answer.headers["Location"]
    assert [i["id"] for i in platform.inbox.items()] == ids[2:]
    again = client.post("/moderation", data={"action": "reject", "id": str(ids[0])})
    assert again.status_code == 400
    assert "already rejected" in again.get_data(as_text=True)
    nothing = client.post("/moderation", data={"action": "approve"})
    assert nothing.status_code == 400
    assert "select at least one" in nothing.get_data(as_text=True)


def test_log_filters_and_search(client: FlaskClient, platform: MockPlatform) -> None:
    sms(client, "apple pie")
    sms(client, "banana split")
    platform.advance(0)
    assert "banana" not in html(client, "/log?q=apple")
    assert "apple" in html(client, "/log?q=APPLE")  # LIKE is case-blind for ASCII
    assert "apple" in html(client, "/log?code=N211&state=delivered&origin=SMS_MO")
    assert "No postback matches" in html(client, "/log?state=failed")
    assert "No postback matches" in html(client, "/log?q=100%25_")  # wildcards are literal
    assert "state is one of" in html(client, "/log?state=bogus", 400)
    assert "before must be a postback id" in html(client, "/log?before=x", 400)


def test_log_pages_with_keyset_cursors(client: FlaskClient, platform: MockPlatform) -> None:
    for i in range(120):
        sms(client, f"message {i:03d}")
    first = html(client, "/log")
    assert "message 119" in first
    assert "message 070" in first
    assert "message 069" not in first
    older = re.search(r'href="/log\?before=(\d+)"', first)
    assert older is not None
    second = html(client, f"/log?before={older.group(1)}")
    assert "message 069" in second
    assert "message 070" not in second
    newer = re.search(r'href="/log\?after=(\d+)"', second)
    assert newer is not None
    assert "message 070" in html(client, f"/log?after={newer.group(1)}")
    last = html(client, f"/log?before={older.group(1)}&limit=100")
    assert "message 000" in last
    assert "Older" not in last


def test_replay_one_and_many(
    client: FlaskClient, platform: MockPlatform, receiver: Receiver
) -> None:
    ids = [sms(client, f"again {i}") for i in range(3)]
    platform.advance(0)
    answer = client.post("/log/replay?state=delivered", data={"id": [str(i) for i in ids[:2]]})
    assert answer.status_code == 303
    assert "n=2" in answer.headers["Location"]
    assert "state=delivered" in answer.headers["Location"]
    one = client.post(f"/log/{ids[2]}/replay")
    assert one.status_code == 303
    platform.advance(0)
    replays = [r["replay_of"] for r in platform.postbacks() if r["replay_of"]]
    assert sorted(replays) == ids
    assert len(receiver.requests) == 6
    assert "not a postback id" in client.post("/log/replay", data={"id": "x"}).get_data(
        as_text=True
    )
    assert client.post("/log/replay", data={"id": "999999"}).status_code == 404


def test_settings_change_live(client: FlaskClient, platform: MockPlatform) -> None:
    form = {"postback_url": "http://127.0.0.1:9/new", "mo_postback_url": "", "flavor": "sinch-json",
            "revision": "sky-b", "body_mode": "raw", "retry_attempts": "2", "retry_mode": "total",
            "retry_interval": "60", "retry_backoff": "2", "timeout": "5", "success": "2xx",
            "time_scale": "0.5", "moderation": "on"}  # fmt: skip
    answer = client.post("/settings", data=form)
    assert answer.status_code == 303
    s = platform.settings
    assert (s.postback_url, s.mo_postback_url, s.flavor, s.revision, s.retry_attempts) == (
        "http://127.0.0.1:9/new", None, "sinch-json", "sky-b", 2)  # fmt: skip
    assert (s.retry_interval, s.retry_backoff, s.success, s.time_scale, s.moderation) == (
        60, 2, "2xx", 0.5, True)  # fmt: skip
    refused = client.post("/settings", data={**form, "retry_backoff": "50"})
    assert refused.status_code == 400
    assert "retry_backoff" in refused.get_data(as_text=True)
    assert platform.settings.retry_backoff == 2
    bad = client.post("/settings", data={**form, "timeout": "soon"})
    assert bad.status_code == 400
    assert "timeout must be a number" in bad.get_data(as_text=True)


def test_virtual_clock_buttons(client: FlaskClient, platform: MockPlatform) -> None:
    start = platform.now()
    assert client.post("/settings/clock", data={"advance": "60"}).status_code == 303
    assert platform.now() == start + 60
    client.post("/mock/api/v1/scenarios/sms-delivered/runs", json={})
    assert client.post("/settings/clock", data={"advance": "end"}).status_code == 303
    assert platform.store.count_active() == 0
    assert client.post("/settings/clock", data={"advance": "7"}).status_code == 400
    back = client.post("/settings/clock", data={"advance": "1", "back": "//evil.example/"})
    assert back.headers["Location"].startswith("/settings")


def test_clock_buttons_refuse_on_the_real_clock(receiver: Receiver) -> None:
    settings = Settings(data_dir=":memory:", postback_url=receiver.url())
    with MockPlatform(settings) as platform:
        client = create_app(platform=platform).test_client()
        page = html(client, "/settings")
        assert "+1 min" not in page
        answer = client.post("/settings/clock", data={"advance": "60"})
        assert answer.status_code == 409
        assert "--clock virtual" in answer.get_data(as_text=True)


def test_token_gate_shows_a_login_page(receiver: Receiver) -> None:
    settings = Settings(data_dir=":memory:", clock="virtual", token="s3cret")
    with MockPlatform(settings) as platform:
        client = create_app(platform=platform).test_client()
        for path in PAGES:
            answer = client.get(path)
            assert answer.status_code == 401
            assert b"Token needed" in answer.data
        assert client.get("/mock/api/v1/settings").mimetype == "application/json"
        assert client.get("/?token=wrong").status_code == 401
        assert client.get("/?token=s3cret").status_code == 303
        assert client.get("/").status_code == 200  # the cookie now


def test_forms_from_another_site_are_refused(client: FlaskClient) -> None:
    answer = client.post("/settings/reset", headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403
    same = client.post("/settings/reset", headers={"Origin": "http://localhost"})
    assert same.status_code == 303


def test_events_take_a_shorter_heartbeat(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/mock/api/v1/events?heartbeat=0").status_code == 400
    answer = client.get("/mock/api/v1/events?heartbeat=1&timeout=1", buffered=True)
    assert answer.status_code == 200
    assert b"retry:" in answer.data


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<A><B>x</B></A>", "text/xml", "<A>\n  <B>x</B>\n</A>"),
        (b'{"a": [1]}', "application/json", '{\n  "a": [\n    1\n  ]\n}'),
        (b"<A><B>unclosed</A>", "text/xml", "<A><B>unclosed</A>"),
        (b"xml=%3CA%3E%3CB%3Ey%3C%2FB%3E%3C%2FA%3E", "application/x-www-form-urlencoded",
         "xml =\n<A>\n  <B>y</B>\n</A>"),
    ],
)  # fmt: skip
def test_bodies_are_pretty_printed(body: bytes, content_type: str, expected: str) -> None:
    assert pretty_body(body, content_type) == expected


SEND = "/API/wxml/1.3/index.php?action=sendsms&api_key=KEY&to=15551234888&from=60856&text="


def test_platform_api_calls_on_the_dashboard_list_and_timeline(
    client: FlaskClient, platform: MockPlatform
) -> None:
    reply = client.get(SEND + "%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert reply.status_code == 200
    (call,) = platform.api.call_log(5)
    dashboard = html(client, "/")
    assert "sendSMS" in dashboard
    assert f'href="/calls/{call["id"]}"' in dashboard
    assert "sendSMS" in html(client, "/calls?outcome=success")
    assert "No API call matches" in html(client, "/calls?outcome=fault")
    assert "outcome is one of" in html(client, "/calls?outcome=x", 400)
    detail = html(client, f"/calls/{call['id']}")
    assert "&lt;script&gt;" in detail or "%3Cscript%3E" in detail
    assert "<script>alert" not in detail
    assert "&lt;STATUS&gt;Success&lt;/STATUS&gt;" in detail  # the reply, pretty printed
    assert "no API call" in html(client, "/calls/999", 404)
    platform.run_until_idle()
    timeline = html(client, f"/messages/{call['tracking_id']}")
    assert 'class="hit call"' in timeline
    assert timeline.count('class="hit ok"') == 2  # N201, N202
    run_page = html(client, f"/runs/{call['run_ids'][0]}")
    assert f'href="/calls/{call["id"]}"' in run_page


def test_a_call_without_a_readable_action_says_so_and_why(client: FlaskClient) -> None:
    client.post("/API/wxml/1.3/", data=b"<REQUEST><ACTION>bogus</ACTION></REQUEST>")
    client.post("/API/wxml/1.3/", data=b"<REQUEST><ACTION>sendSMS")  # not XML
    page = html(client, "/calls")
    assert page.count("no action read") == 2
    assert "<strong>?</strong>" not in page
    assert 'title="the request is not well-formed XML' in page  # the call's detail, on hover


def test_platform_api_settings_on_the_settings_page(
    client: FlaskClient, platform: MockPlatform
) -> None:
    page = html(client, "/settings")
    assert "any key accepted" in page
    assert "…0007</td><td>delivered, then the handset replies YES" in page  # the magic table
    form = {"api_keys": "key-one\n key-two ,key-3", "api_rate_limit": "2.5",
            "api_rate_limit_reply": "429", "api_magic_numbers": ""}  # fmt: skip
    assert client.post("/settings/api", data=form).status_code == 303
    s = platform.settings
    assert (s.api_keys, s.api_rate_limit, s.api_rate_limit_reply, s.api_magic_numbers) == (
        ("key-one", "key-two", "key-3"), 2.5, "429", False)  # fmt: skip
    page = html(client, "/settings?done=api")
    assert "3 set, not shown" in page
    assert "key-one" not in page
    assert "Platform API settings saved" in page
    kept = {"api_keys": "", "api_rate_limit": "0", "api_magic_numbers": "on"}
    client.post("/settings/api", data=kept)  # no new list: the keys stay
    assert platform.settings.api_keys == ("key-one", "key-two", "key-3")
    assert platform.settings.api_magic_numbers is True
    client.post("/settings/api", data={**kept, "api_any_key": "on"})
    assert platform.settings.api_keys == ()
    for bad, message in [({"api_rate_limit": "-1"}, "api_rate_limit"),
                         ({"api_rate_limit": "fast"}, "api_rate_limit must be a number"),
                         ({"api_rate_limit_reply": "E999"}, "api_rate_limit_reply")]:  # fmt: skip
        refused = client.post("/settings/api", data={**kept, **bad})
        assert refused.status_code == 400
        assert message in refused.get_data(as_text=True)
    assert platform.settings.api_rate_limit == 0


def test_routing_rules_are_listed_escaped(client: FlaskClient, platform: MockPlatform) -> None:
    assert "No routing rules" in html(client, "/settings")
    rule = {"to": "1555<b>*", "scenario": "sms-not-delivered"}
    platform.configure(api_routes=(rule,))
    page = html(client, "/settings")
    assert "1 routing rule (checked after the magic numbers" in page
    assert "sms-not-delivered" in page
    assert "<b>" not in page


def test_the_settings_page_states_the_retention(
    client: FlaskClient, platform: MockPlatform
) -> None:
    platform.configure(keep_calls=0, keep_runs=500, keep_days=3)
    page = html(client, "/settings")
    assert "100000 postbacks, all API calls, 500 runs, 100000 saved MMS, 3 days" in page
