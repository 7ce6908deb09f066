"""Band-change notifications: the perception_band_changed hook and a webhook, tested
against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import datetime, timezone

import pytest

from perception import Band, Dimension, Driver, hookimpl
from perception.errors import PerceptionError
from perception.history import HistoryPoint, OutcomeChange
from perception.notify import check_webhook, notify, webhook_payload

T0 = datetime(2026, 4, 13, 8, tzinfo=timezone.utc)
ESCALATION = Driver(
    text="Ava escalated.", dimension=Dimension.ASSURANCE, impact=-9, scorer="voice", evidence=("e",)
)
CHANGE = OutcomeChange(
    account="brightpath",
    before=HistoryPoint(account="brightpath", as_of=T0, score=50, band=Band.NEUTRAL, confidence=1),
    after=HistoryPoint(
        account="brightpath",
        as_of=T0.replace(day=15),
        score=28,
        band=Band.AT_RISK,
        confidence=1,
        drivers=(ESCALATION,),
    ),
    new_drivers=(ESCALATION,),
)


class _Handler(http.server.BaseHTTPRequestHandler):
    received: list  # set per server
    status = 204

    def do_POST(self):  # the name http.server calls
        length = int(self.headers["Content-Length"])
        self.received.append((self.path, self.headers["Content-Type"], self.rfile.read(length)))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def server():
    received: list = []
    handler = type("Handler", (_Handler,), {"received": received})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _url(httpd, path="/hooks/T000/secret"):
    host, port = httpd.server_address[:2]
    return f"http://{host}:{port}{path}"


def test_each_change_is_posted_as_json_with_a_text_line(server, perception_pm):
    httpd, received = server
    assert notify([CHANGE], pm=perception_pm, webhook=_url(httpd)) == []
    ((path, kind, body),) = received
    assert path == "/hooks/T000/secret"
    assert kind == "application/json; charset=utf-8"
    message = json.loads(body)
    assert message == webhook_payload(CHANGE)
    assert message["text"] == "brightpath 50 to 28 (neutral to at risk): new driver: Ava escalated"
    assert message["before"]["band"] == "neutral"
    assert message["after"] == {
        "as_of": "2026-04-15T08:00:00+00:00",
        "score": 28,
        "band": "at risk",
    }
    assert message["worse"] is True
    assert message["new_drivers"][0]["evidence"] == ["e"]


def test_a_failing_or_unreachable_webhook_is_a_problem_in_words_without_its_secret(
    server, perception_pm
):
    httpd, _ = server
    httpd.RequestHandlerClass.status = 500
    (problem,) = notify([CHANGE], pm=perception_pm, webhook=_url(httpd))
    assert "answered 500 for brightpath" in problem
    assert "secret" not in problem
    httpd.shutdown()
    httpd.server_close()  # nobody listens any more
    (problem,) = notify([CHANGE], pm=perception_pm, webhook=_url(httpd), timeout=2)
    assert "unreachable for brightpath" in problem


def test_hook_implementations_are_told_and_one_that_raises_does_not_stop_the_others(
    perception_pm,
):
    told = []

    class Listener:
        @hookimpl
        def perception_band_changed(self, change):
            told.append(change.account)

    class Broken:
        @hookimpl
        def perception_band_changed(self, change):
            raise RuntimeError("no network")

    perception_pm.register(Listener(), name="listener")
    perception_pm.register(Broken(), name="broken")
    problems = notify([CHANGE, CHANGE], pm=perception_pm)
    assert told == ["brightpath", "brightpath"]
    assert (
        problems
        == ["plugin 'broken' failed on the band change of brightpath: RuntimeError: no network"] * 2
    )


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "http://", "hooks"])
def test_only_http_urls_with_a_host_are_webhooks(url, perception_pm):
    with pytest.raises(PerceptionError, match="must be an http:// or https:// URL"):
        check_webhook(url)
    with pytest.raises(PerceptionError):
        notify([CHANGE], pm=perception_pm, webhook=url)
