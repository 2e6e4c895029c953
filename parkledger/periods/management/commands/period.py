"""`parkledger period close|unlock|list`: closed months (封账) and corrections (更正) from the shell."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkledger.accounts import services
from parkledger.periods.models import ClosedPeriod, PeriodUnlock


class Command(BaseCommand):
    help = "Close a park's month, open a correction on a closed month (with a reason), list both."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        close = sub.add_parser("close", help="close a month of a park (and its sub-parks)")
        close.add_argument("--park", required=True)
        close.add_argument("--month", required=True, help="YYYY-MM")
        close.add_argument("--note", default="")
        unlock = sub.add_parser("unlock", help="open a correction on a closed month")
        unlock.add_argument("--park", required=True)
        unlock.add_argument("--month", required=True, help="YYYY-MM")
        unlock.add_argument("--reason", required=True, help="why the closed figures are corrected")
        unlock.add_argument("--hours", type=float, help="how long the correction stays open (default 24)")
        sub.add_parser("list", help="closed months and open corrections")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc

    def do_close(self, options) -> None:
        closed = services.period_close(actor=None, park=options["park"], month=options["month"], note=options["note"])
        self.stdout.write(f"closed {closed.park_id} {closed.month}")

    def do_unlock(self, options) -> None:
        unlock = services.period_unlock(actor=None, park=options["park"], month=options["month"],
                                        reason=options["reason"], hours=options["hours"])
        self.stdout.write(f"correction open on {unlock.park_id} {unlock.month} until "
                          f"{timezone.localtime(unlock.expires_at):%Y-%m-%d %H:%M}")

    def do_list(self, options) -> None:
        now = timezone.now()
        for closed in ClosedPeriod.objects.order_by("park_id", "month"):
            self.stdout.write(f"closed {closed.park_id} {closed.month} ({timezone.localtime(closed.closed_at):%Y-%m-%d})")
        for unlock in PeriodUnlock.objects.filter(revoked_at__isnull=True, expires_at__gt=now):
            self.stdout.write(f"correction {unlock.park_id} {unlock.month} until "
                              f"{timezone.localtime(unlock.expires_at):%Y-%m-%d %H:%M}: {unlock.reason}")
