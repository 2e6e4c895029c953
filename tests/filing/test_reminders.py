"""催报: in-app notices, e-mail through Django's backend, the gateway webhook, each logged per enterprise."""
from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from parkledger.filing.models import Channel, Notice, Reminder
from parkledger.filing.reminders import due_rounds, remind
from parkledger.filing.services import open_round, submit
from tests.filing.conftest import GOOD
from tests.filing.test_rounds import _sub

pytestmark = pytest.mark.django_db


def test_remind_reaches_only_those_that_have_not_submitted(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    round_ = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10),
                        user=world.stat)
    submit(_sub(round_, world.a), GOOD, {}, world.qiye)
    counts = remind(round_, world.stat)
    # b and e have not submitted; only b has a filing account (with an e-mail address)
    assert counts == {"enterprises": 2, "in_app": 1, "email": 1, "webhook": 0}
    assert [m.to for m in mail.outbox] == [["qiye_b@example.com"]]
    assert "2023-02-10" in mail.outbox[0].body
    assert list(Notice.objects.values_list("user__username", flat=True)) == ["qiye_b"]
    logged = set(Reminder.objects.values_list("enterprise_id", "channel", "delivered"))
    assert logged == {(world.b.uscc, Channel.IN_APP, True), (world.b.uscc, Channel.EMAIL, True),
                      (world.e.uscc, Channel.IN_APP, False)}


def test_the_gateway_gets_one_post_per_enterprise(world, settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.PARKLEDGER_FILING_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/sms"
        round_ = open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10),
                            user=world.stat)
        counts = remind(round_, world.stat)
    finally:
        server.shutdown()
    assert counts["webhook"] == 3
    assert sorted(p["uscc"] for p in received) == sorted([world.a.uscc, world.b.uscc, world.e.uscc])
    assert all(p["month"] == "2023-01" and p["due_on"] == "2023-02-10" for p in received)


def test_automatic_reminders_pick_the_rounds_due_in_the_configured_days(world, settings):
    settings.PARKLEDGER_FILING_REMIND_DAYS = (-3, 1)
    open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=date(2023, 2, 10), user=world.stat)
    assert [r.month for r in due_rounds(date(2023, 2, 7))] == ["2023-01"]   # three days before
    assert [r.month for r in due_rounds(date(2023, 2, 11))] == ["2023-01"]  # one day after
    assert due_rounds(date(2023, 2, 8)) == []


def test_the_auto_command_reminds_the_rounds_due_in_three_days(world, settings):
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PARKLEDGER_FILING_REMIND_DAYS = (-3, 1)
    due = timezone.localdate() + timedelta(days=3)
    open_round(park="ECO", kind="enterprise_month", month="2023-01", due_on=due, user=world.stat)
    open_round(park="ECO", kind="enterprise_month", month="2023-02", due_on=due + timedelta(days=1), user=world.stat)
    out = io.StringIO()
    call_command("filing", "remind", "--auto", stdout=out)
    assert out.getvalue().strip() == "ECO 2023-01：已催报 3 家"
    assert set(Reminder.objects.values_list("round__month", flat=True)) == {"2023-01"}
    assert Reminder.objects.filter(sent_by="系统").count() == Reminder.objects.count() > 0
