"""`parkledger period close|unlock|list|verify`: closed months (封账), their frozen figures and
corrections (更正) from the shell.

`verify` recomputes every frozen park month (or those of `--park` and its sub-parks) and lists each
figure whose recomputed value differs from the frozen one; exit status 1 when any differs (a closed
month that lost its frozen figures is listed too). It also checks the stored enterprise-month sums
(`parkledger.core.rollup`) against the returns and marks those that differ to be rebuilt.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkledger.accounts import services
from parkledger.core import rollup
from parkledger.core.models import Park
from parkledger.periods.frozen import differences
from parkledger.periods.models import ClosedPeriod, FrozenFigures, PeriodUnlock


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
        verify = sub.add_parser("verify", help="recompute every closed month and list the figures that differ "
                                               "from their frozen values (exit status 1 when any differs)")
        verify.add_argument("--park", help="only this park and its sub-parks")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc

    def do_close(self, options) -> None:
        closed = services.period_close(actor=None, park=options["park"], month=options["month"], note=options["note"])
        result = getattr(closed, "close_result", None)
        outcome = result.outcome if result is not None else "closed"
        if outcome == "refrozen":
            self.stdout.write(f"closed again {closed.park_id} {closed.month}: figures frozen again for "
                              f"{', '.join(result.parks)} ({len(result.differences)} changed; reason: {result.reason})")
            for diff in result.differences:
                frozen, live = diff.shown()
                self.stdout.write(f"  {diff.park} {diff.key} {diff.name}: {frozen} -> {live}")
        elif outcome == "unchanged":
            self.stdout.write(f"already closed {closed.park_id} {closed.month}: frozen figures unchanged "
                              "(open a correction with `period unlock` to close it again)")
        else:
            parks = ", ".join(result.parks) if result is not None else closed.park_id
            self.stdout.write(f"closed {closed.park_id} {closed.month}; figures frozen for {parks}")

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

    def do_verify(self, options) -> None:
        rows = FrozenFigures.objects.order_by("park_id", "month")
        closed = ClosedPeriod.objects.order_by("park_id", "month")
        if options.get("park"):
            if not Park.objects.filter(code=options["park"]).exists():
                raise CommandError(f"park {options['park']} does not exist")
            parks = Park.objects.descendant_codes(options["park"])
            rows = rows.filter(park_id__in=parks)
            closed = closed.filter(park_id__in=parks)
        frozen = set(rows.values_list("park_id", "month"))
        problems = 0
        for park, month in sorted(set(closed.values_list("park_id", "month")) - frozen):
            self.stdout.write(f"{park} {month}: closed without frozen figures (run `period close` again to freeze them)")
            problems += 1
        checked = 0
        for park, month in sorted(frozen):
            checked += 1
            for diff in differences(park, month):
                problems += 1
                frozen, live = diff.shown()
                self.stdout.write(f"{park} {month} {diff.key} {diff.name}: frozen {frozen}, now {live}")
        for park, year in rollup.verify(parks if options.get("park") else None):
            problems += 1
            self.stdout.write(f"{park} {year}: stored enterprise-month sums differed from the returns "
                              "(marked to be rebuilt from them)")
        if problems:
            raise CommandError(f"{problems} difference(s) in {checked} frozen park month(s) and the stored sums",
                               returncode=1)
        self.stdout.write(f"OK: {checked} frozen park month(s) recompute to their frozen figures; "
                          "the stored enterprise-month sums equal the returns")
