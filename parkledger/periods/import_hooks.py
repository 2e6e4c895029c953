"""The closed-period check of imported rows (registered with the importer by the periods app).

The importer writes rows with SQL upserts, which bypass model signals; this batch hook, called
once per kind of an import, rejects the rows that create, change or move a record in a closed
month (the import then writes nothing and names each row and column).
"""
from __future__ import annotations

from django.db import models

from parkledger.accounts.context import current_actor
from parkledger.periods.locks import check_import_rows

__all__ = ["closed_period_rows_check"]


def closed_period_rows_check(model: type[models.Model], changes: list) -> None:
    """Reject the rows touching a closed month (see `parkledger.periods.locks.check_import_rows`)."""
    check_import_rows(model, changes, user_id=current_actor().user_id)
