"""(六) 党建与队伍 figures: party activities, enterprise unions and task forces (`party.*`).

All are flows over W. `party.training` and `party.duty` sum `participants` (an empty number counts
as 0 and is listed by the data-quality check); the other activity keys count activities.
`party.unions` counts unions founded in W (one union per enterprise, so the count is of enterprises).
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from parkledger.indicators.context import Context
from parkledger.indicators.helpers import count_result
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result
from parkledger.party.choices import ActivityKind

CHAPTER = "party"
LECTURE_KINDS = (ActivityKind.LECTURE, ActivityKind.ACTIVITY)


def _activities(ctx: Context):
    return ctx.records("party_activity").filter(ctx.in_w("held_on"))


def _activity_totals(ctx: Context) -> dict[str, int]:
    """Counts and participant sums per kind over W: one query for the four activity keys."""

    def compute() -> dict[str, int]:
        out = _activities(ctx).aggregate(
            night_study=Count("pk", filter=Q(kind=ActivityKind.NIGHT_STUDY)),
            activities=Count("pk", filter=Q(kind__in=LECTURE_KINDS)),
            training=Sum("participants", filter=Q(kind=ActivityKind.TRAINING)),
            duty=Sum("participants", filter=Q(kind=ActivityKind.DUTY)),
        )
        return {k: int(v or 0) for k, v in out.items()}

    return ctx.memo("party.activities", compute)


@indicator("party.night_study", name="开展夜学", unit="次", chapter=CHAPTER, sources=("party_activity",),
           definition="类型为夜学、`held_on` 在W内的党建活动次数")
def party_night_study(ctx: Context) -> Result:
    return Result(value=Decimal(_activity_totals(ctx)["night_study"]),
                  records=lambda: _activities(ctx).filter(kind=ActivityKind.NIGHT_STUDY))


@indicator("party.activities", name="专题党课等活动", unit="次", chapter=CHAPTER, sources=("party_activity",),
           definition="类型为专题党课或主题活动、`held_on` 在W内的活动次数")
def party_activities(ctx: Context) -> Result:
    return Result(value=Decimal(_activity_totals(ctx)["activities"]),
                  records=lambda: _activities(ctx).filter(kind__in=LECTURE_KINDS))


@indicator("party.training", name="培训机关干部", unit="人次", chapter=CHAPTER, sources=("party_activity",),
           definition="Σ `participants`，类型为干部培训，`held_on` 在W内（报告以“以上”引用）")
def party_training(ctx: Context) -> Result:
    return Result(value=Decimal(_activity_totals(ctx)["training"]),
                  records=lambda: _activities(ctx).filter(kind=ActivityKind.TRAINING))


@indicator("party.duty", name="支援值守", unit="人次", chapter=CHAPTER, sources=("party_activity",),
           definition="Σ `participants`，类型为支援值守，`held_on` 在W内")
def party_duty(ctx: Context) -> Result:
    return Result(value=Decimal(_activity_totals(ctx)["duty"]),
                  records=lambda: _activities(ctx).filter(kind=ActivityKind.DUTY))


@indicator("party.unions", name="新增企业工会", unit="家", chapter=CHAPTER, sources=("union",),
           definition="`founded_on` 在W内成立的企业工会数（每家企业一个工会）")
def party_unions(ctx: Context) -> Result:
    return count_result(ctx.records("union").filter(ctx.in_w("founded_on")))


@indicator("party.task_forces", name="成立工作专班", unit="个", chapter=CHAPTER, sources=("task_force",),
           definition="`formed_on` 在W内成立的工作专班数")
def party_task_forces(ctx: Context) -> Result:
    return count_result(ctx.records("task_force").filter(ctx.in_w("formed_on")))
