"""The demo data as unsaved model instances, park by park, kind by kind in dependency order.

`generate(seed, scale)` yields `(kind key, rows)` pairs in `KIND_ORDER` for each top-level park of
the scale; `rows` may be a lazy iterator (the monthly returns of a city-sized park are 144,000 rows).
The same seed and scale give the same rows: every chapter draws from its own seeded
`random.Random` stream and nothing depends on today's date.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from parkledger.core.kinds import KIND_ORDER
from parkledger.core.models import LedgerModel
from parkledger.dataio.demo.chapter_construction import build_construction
from parkledger.dataio.demo.chapter_core import build_core
from parkledger.dataio.demo.chapter_economy import build_economy
from parkledger.dataio.demo.chapter_finance import build_finance, build_party
from parkledger.dataio.demo.chapter_governance import build_governance
from parkledger.dataio.demo.chapter_investment import build_investment
from parkledger.dataio.demo.chapter_plans import build_plans
from parkledger.dataio.demo.context import BuildContext
from parkledger.dataio.demo.scales import ParkSpec, Scale

__all__ = ["DEFAULT_SEED", "CHAPTERS", "park_rows", "generate"]

DEFAULT_SEED = 2022

#: Chapter builders in the order they run (later chapters use the enterprises of the first).
CHAPTERS = (build_core, build_investment, build_economy, build_construction, build_governance,
            build_finance, build_party, build_plans)


def park_rows(spec: ParkSpec, scale: Scale, seed: int, used_usccs: set[str] | None = None
              ) -> dict[str, Iterable[LedgerModel]]:
    """Every kind's rows of one top-level park and its sub-park."""
    ctx = BuildContext(spec=spec, scale=scale, seed=seed, used_usccs=used_usccs if used_usccs is not None else set())
    rows: dict[str, Iterable[LedgerModel]] = {}
    for build in CHAPTERS:
        rows.update(build(ctx))
    missing = set(KIND_ORDER) - set(rows)
    if missing:
        raise RuntimeError(f"the demo generator has no rows for: {sorted(missing)}")
    return rows


def generate(seed: int, scale: Scale) -> Iterator[tuple[str, Iterable[LedgerModel]]]:
    """(kind key, rows) for every park of the scale, each park's kinds in dependency order."""
    used: set[str] = set()
    for spec in scale.parks:
        rows = park_rows(spec, scale, seed, used)
        for kind in KIND_ORDER:
            yield kind, rows[kind]
