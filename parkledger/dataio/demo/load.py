"""Loading the demo data into the database: `bulk_create` in batches, one transaction per park."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import reset_queries, transaction

from parkledger.core.kinds import kind_models
from parkledger.core.models import LedgerModel, Park
from parkledger.dataio.demo.generator import park_rows
from parkledger.dataio.demo.scales import Scale

__all__ = ["BATCH_SIZE", "batched", "load_demo", "demo_present"]

BATCH_SIZE = 2000


def batched(rows: Iterable[LedgerModel], size: int) -> Iterator[list[LedgerModel]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def demo_present(scale: Scale) -> str | None:
    """The code of a park of the scale that already exists, if any."""
    codes = [code for spec in scale.parks for code in (spec.code, spec.sub_code)]
    return Park.objects.filter(code__in=codes).values_list("code", flat=True).first()


def load_demo(seed: int, scale: Scale, *, batch_size: int = BATCH_SIZE,
              progress: Callable[[str, str, int], None] | None = None) -> Counter:
    """Insert the demo rows; returns the number of rows per kind.

    Rows carry their codes already (bulk_create does not call `save()`, which would generate them).
    """
    models = kind_models()
    counts: Counter = Counter()
    used: set[str] = set()
    for spec in scale.parks:
        rows = park_rows(spec, scale, seed, used)
        with transaction.atomic():
            for kind, model in models.items():
                for batch in batched(rows[kind], batch_size):
                    model.objects.bulk_create(batch, batch_size=batch_size)
                    counts[kind] += len(batch)
                    reset_queries()  # with DEBUG on, Django keeps every INSERT's text: memory would grow
                if progress:
                    progress(spec.code, kind, counts[kind])
    # the 亩均 rounds the figures read (reading never computes them): every year after a data year
    # without a published round, as `parkledger permu` would store them
    from parkledger.economy.permu import compute_missing_rounds

    top = [spec.code for spec in scale.parks]  # each spec is a top-level park
    for summary in compute_missing_rounds(top, range(scale.first_year + 1, scale.last_year + 2)):
        counts["permu_evaluation"] += summary.total
    return counts
