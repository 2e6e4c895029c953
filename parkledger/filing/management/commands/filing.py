"""`parkledger filing open|status|remind|close|list`: the monthly filing round from the shell."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.accounts.context import acting_as
from parkledger.filing.models import FilingRound
from parkledger.filing.reminders import due_rounds, remind
from parkledger.filing.services import close_round, open_round, round_status

STATUS_LABELS = (("expected", "应报"), ("not_started", "未填报"), ("draft", "草稿"), ("submitted", "已提交"),
                 ("returned", "已退回"), ("accepted", "已通过"))


class Command(BaseCommand):
    help = "Filing rounds of enterprise returns: open, status, remind, close, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("open", "status", "remind", "close"):
            p = sub.add_parser(name)
            p.add_argument("--park", required=name != "remind")
            p.add_argument("--kind", default="enterprise_month")
            p.add_argument("--month", required=name != "remind")
            p.add_argument("--user", help="the statistician acting (required to open, remind or close)")
            if name == "open":
                p.add_argument("--due", required=True, help="YYYY-MM-DD")
            if name == "status":
                p.add_argument("--format", choices=("json", "table"), default="json")
            if name == "remind":
                p.add_argument("--auto", action="store_true",
                               help="remind the rounds whose due date is a configured number of days away")
        p = sub.add_parser("list")
        p.add_argument("--park")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        try:
            if action == "list":
                return self._list(opts.get("park"))
            if action == "remind" and opts.get("auto"):
                return self._auto()
            user = self._user(opts.get("user"), required=action != "status")
            if action == "open":
                try:
                    due = date.fromisoformat(opts["due"])
                except ValueError:
                    raise CommandError(f"截止日期“{opts['due']}”应为YYYY-MM-DD") from None
                with acting_as(user):
                    round_ = open_round(park=opts["park"], kind=opts["kind"], month=opts["month"], due_on=due,
                                        user=user)
                status = round_status(round_)
                self.stdout.write(f"已发起 {round_.park_id} {round_.month} 填报：应报 {status['expected']} 家，"
                                  f"台账已有 {status['accepted']} 家")
                return
            round_ = self._round(opts)
            if action == "status":
                return self._status(round_, opts["format"])
            with acting_as(user):
                if action == "remind":
                    counts = remind(round_, user)
                    self.stdout.write(f"已催报 {counts['enterprises']} 家企业（站内 {counts['in_app']}，"
                                      f"邮件 {counts['email']}，网关 {counts['webhook']}）")
                elif action == "close":
                    close_round(round_, user)
                    self.stdout.write(f"已结束 {round_.park_id} {round_.month} 填报")
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _user(self, name: str | None, *, required: bool) -> Any:
        if not name:
            if required:
                raise CommandError("请用 --user 指明操作的统计员账号")
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{name}”不存在或已停用")
        return user

    def _round(self, opts: dict[str, Any]) -> FilingRound:
        round_ = (FilingRound.objects.filter(park_id=opts["park"], kind=opts["kind"], month=opts["month"])
                  .select_related("park").first())
        if round_ is None:
            raise CommandError(f"{opts['park']} {opts['month']} 没有发起过填报")
        return round_

    def _status(self, round_: FilingRound, fmt: str) -> None:
        status = round_status(round_)
        if fmt == "json":
            self.stdout.write(json.dumps(status, ensure_ascii=False))
            return
        for key, label in STATUS_LABELS:
            self.stdout.write(f"{label}\t{status[key]}")
        self.stdout.write(f"未报（未提交且未通过）\t{len(status['missing'])}")
        for uscc in status["missing"]:
            self.stdout.write(f"  {uscc}")

    def _auto(self) -> None:
        for round_ in due_rounds():
            with acting_as(None, username="system"):
                counts = remind(round_, None, auto=True)
            self.stdout.write(f"{round_.park_id} {round_.month}：已催报 {counts['enterprises']} 家")

    def _list(self, park: str | None) -> None:
        rounds = FilingRound.objects.select_related("park").order_by("-month", "park_id")
        if park:
            rounds = rounds.filter(park_id=park)
        for r in rounds:
            state = "进行中" if r.is_open else "已结束"
            self.stdout.write(f"{r.park_id}\t{r.month}\t{r.get_kind_display()}\t截止 {r.due_on}\t{state}")
