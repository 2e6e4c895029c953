"""The indicator engine: computes the registered figures of a park and period, and explains one.

Every consumer (report, dashboard, API, CLI) calls `compute_figures` / `explain_figure` (the report
`make_context` + `evaluate`), so a figure means the same everywhere. An indicator function that
fails never escapes: its figure is undefined with a reason and a warning is logged.

Closed months (封账): `make_context` is where every consumer reads figures, so it is where a closed
month is read: when the park's month was frozen by `parkledger period close`, the context carries
the frozen figures and `evaluate` hands them out (marked `closed`) instead of computing; a key the
snapshot lacks (a parameter value asked explicitly) is computed live. `live=True` recomputes from
the ledgers whatever the month (closing, `period verify`). Months after a closed one are live:
their YTD and YoY figures are recomputed from the current ledgers, not chained from a frozen month.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet

from parkledger.core.kinds import kind_model
from parkledger.core.models import Park
from parkledger.indicators.context import Context
from parkledger.indicators.registry import Indicator, all_indicators, resolve
from parkledger.indicators.types import Explanation, Figure, FigureSet, RecordRef, Result
from parkledger.lib.numbers import display
from parkledger.lib.periods import Period

__all__ = ["compute_figures", "explain_figure", "make_context", "evaluate", "expand_keys", "EXPLAIN_CAP"]

logger = logging.getLogger(__name__)

EXPLAIN_CAP = 200


def make_context(park: str, period: str | Period, *, live: bool = False) -> Context:
    """A context for a park code and a period; ValueError (Chinese message) for a bad one.

    For a closed month (figures frozen at the close) the context holds the frozen figures, unless
    `live` asks for a recomputation from the current ledgers.
    """
    per = period if isinstance(period, Period) else Period.parse(period)
    code = str(park or "").strip()
    if not code or not Park.objects.filter(code=code).exists():
        raise ValueError(f"园区“{code}”不存在")
    frozen = None
    if not live:
        from parkledger.periods.frozen import stored_snapshot

        snapshot = stored_snapshot(code, per.key)
        frozen = snapshot.figures if snapshot is not None else None
    return Context(code, tuple(Park.objects.descendant_codes(code)), per, frozen=frozen, from_ledgers=live)


def expand_keys(ctx: Context) -> list[str]:
    """Every registered key, parameterised ones once per parameter value of this context."""
    keys: list[str] = []
    for ind in all_indicators():
        if not ind.parameterised:
            keys.append(ind.key)
            continue
        try:
            params = list(dict.fromkeys(str(p) for p in ind.params(ctx)))
        except Exception:
            logger.warning("Parameters of %s failed for %s", ind.key, ctx, exc_info=True)
            continue
        keys.extend(ind.key_for(p) for p in sorted(params))
    return keys


def compute_figures(park: str, period: str, keys: Iterable[str] | None = None, *, live: bool = False) -> FigureSet:
    """The figures of a park (with its sub-parks) for a period: every key, or only `keys`.

    For a closed month these are the figures frozen at the close (every key frozen then), unless
    `live`. An asked key unknown to the registry → ValueError; so are an unknown park and a bad period.
    """
    ctx = make_context(park, period, live=live)
    if keys is None:
        wanted = list(ctx.frozen) if ctx.frozen is not None else expand_keys(ctx)
    else:
        wanted = list(dict.fromkeys(keys))
        unknown = [k for k in wanted if not _known(k)]
        if unknown:
            raise ValueError("未知指标：" + "、".join(unknown))
    return FigureSet(ctx.park, ctx.period.key, {key: evaluate(ctx, key) for key in wanted},
                     closed=ctx.frozen is not None)


def _known(key: str) -> bool:
    try:
        resolve(key)
    except KeyError:
        return False
    return True


def evaluate(ctx: Context, key: str) -> Figure:
    """Compute one key in a context (cached there); failures become undefined figures."""
    cached = ctx._figures.get(key)
    if cached is not None:
        return cached
    if ctx.frozen is not None and key in ctx.frozen:
        ctx._figures[key] = ctx.frozen[key]
        return ctx.frozen[key]
    ind, param = resolve(key)
    if key in ctx._computing:
        result = Result(reason=f"指标循环引用：{' → '.join([*ctx._computing, key])}")
    else:
        ctx._computing.append(key)
        try:
            result = ind.func(ctx) if param is None else ind.func(ctx, param)
            if not isinstance(result, Result):
                raise TypeError(f"{ind.key} returned {type(result).__name__}, not Result")
        except Exception as exc:
            logger.warning("Indicator %s failed for %s", key, ctx, exc_info=True)
            result = Result(reason=f"计算出错：{type(exc).__name__}")
        finally:
            ctx._computing.pop()
    fig = _figure(ind, key, result)
    ctx._figures[key] = fig
    ctx._results[key] = result
    return fig


def _figure(ind: Indicator, key: str, result: Result) -> Figure:
    unit = ind.unit if result.unit is None else result.unit
    value = result.value
    reason = result.reason
    text: str | None
    try:
        if value is None:
            text = None
            reason = reason or "无数据"
        elif isinstance(value, str):
            text = value
        else:
            if isinstance(value, int) and not isinstance(value, bool):
                value = Decimal(value)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise TypeError(f"{key}: value {value!r} is not a finite Decimal")
            text = display(value, unit)
            reason = ""
    except Exception as exc:
        logger.warning("Indicator %s gave an unusable value", key, exc_info=True)
        value, text, reason = None, None, f"计算出错：{type(exc).__name__}"
    return Figure(
        key=key, name=str(ind.name), unit=unit, value=value, text=text, reason=reason,
        definition=ind.definition, chapter=ind.chapter, base_key=ind.key, extra=dict(result.extra),
    )


def window_text(period: Period) -> str:
    """W, W′ and D of a period in words."""
    prev = period.prev
    return (
        f"{period.start.isoformat()} 至 {period.end.isoformat()}；"
        f"上年同期 {prev.start.isoformat()} 至 {prev.end.isoformat()}；截至日 {period.end.isoformat()}"
    )


def explain_figure(park: str, period: str, key: str, *, cap: int = EXPLAIN_CAP) -> Explanation:
    """A figure with its definition, window and the records it was computed from (up to `cap`).

    In a closed month the value is the frozen one and the records are those of the current ledgers.
    """
    ctx = make_context(park, period)
    if not _known(key):
        raise ValueError(f"未知指标：{key}")
    fig = evaluate(ctx, key)
    refs, total = record_refs(ctx.result(key).records, cap=cap)  # a frozen figure: the current records
    return Explanation(
        key=key, name=fig.name, unit=fig.unit, definition=fig.definition, window=window_text(ctx.period),
        value=fig.value, text=fig.text, reason=fig.reason, records=refs, records_total=total, closed=fig.closed,
    )


def record_refs(records: object, *, cap: int = EXPLAIN_CAP) -> tuple[list[RecordRef], int]:
    """Records given as a queryset, `(kind, pk)` pairs or a list of both → (refs up to `cap`, total).

    When the records come in several querysets (e.g. this year's rows and last year's), the cap is
    shared among them so that each part is shown.
    """
    if records is None:
        return [], 0
    parts = [records] if isinstance(records, QuerySet) else list(records)
    querysets = [p for p in parts if isinstance(p, QuerySet)]
    pairs: dict[str, list[int]] = {}
    for part in parts:
        if not isinstance(part, QuerySet):
            kind, pk = part
            pairs.setdefault(kind, []).append(pk)
    n_parts = len(querysets) + (1 if pairs else 0)
    share = -(-cap // n_parts) if n_parts else cap
    refs: list[RecordRef] = []
    total = sum(len(pks) for pks in pairs.values())
    for qs in querysets:
        total += qs.count()
        room = min(share, cap - len(refs))
        if room > 0:
            refs.extend(_ref(qs.model.kind_key, obj) for obj in qs[:room])
    for kind, pks in pairs.items():
        room = cap - len(refs)
        if room <= 0:
            break
        objs = kind_model(kind).objects.in_bulk(pks[:room])
        refs.extend(_ref(kind, objs[pk]) for pk in pks[:room] if pk in objs)
    return refs, total


def _ref(kind: str, obj) -> RecordRef:
    natural = "/".join("" if v is None else str(v) for v in obj.natural_key())
    return RecordRef(kind=kind, natural_key=natural, pk=obj.pk, label=str(obj))
