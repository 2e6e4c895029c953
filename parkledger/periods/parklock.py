"""The per-park write lock shared by imports and period closing.

An import and `period close` of the same park tree never overlap: whoever comes second waits
until the first transaction ends, then reads what it committed. So a close waits for a running
import (whose rows are then in the closed month's frozen figures), an import that waited for a
close reads the closed months after the lock and refuses the just-closed month, and a second
import of the same rows sees the first one's rows as stored records (updates, audited as
changes) instead of writing them again as new ones.

- PostgreSQL: `pg_advisory_xact_lock` keyed by the park, released with the transaction.
- SQLite: the database's write lock (a write statement at the start of the transaction; SQLite
  has one writer at a time, so this serializes every import and close, not only one park's).

Reading taken for "per park": the key is the park's top-level ancestor, since a month closed on
a park closes it for its sub-parks and an import into a park writes its sub-parks' rows; an
import without a park (the API's bulk rows, `parkledger import` without `--park`) may write any
park, so it takes the key of every top-level park (in key order, so two lockers never deadlock).
The lock must be taken before the transaction reads anything it later relies on. A dry run
(the web import's preview) takes it too, so that it reports what applying would do (rows the
running import is writing count as updates).
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection

from parkledger.accounts.scoping import park_ancestors, park_parents

__all__ = ["LOCK_NAMESPACE", "lock_key", "lock_parks"]

LOCK_NAMESPACE = 0x504C  # "PL": the first half of the two-integer advisory lock key


def lock_key(root: str) -> int:
    """The second half of a park tree's advisory lock key (a signed 32-bit CRC of its root code)."""
    value = zlib.crc32(root.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


def _roots(codes: Iterable[str] | None) -> set[str]:
    parents = park_parents()
    if codes is None:
        return {code for code, parent in parents.items() if not parent}
    roots = set()
    for code in codes:
        chain = park_ancestors(code, parents) if code in parents else [code]
        roots.add(chain[-1])
    return roots


def lock_parks(codes: Iterable[str] | None) -> None:
    """Take the write lock of the parks `codes` (None: every park) until the transaction ends.

    Must be called inside `transaction.atomic()`, first thing in the transaction.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock_parks() needs a transaction")
    if connection.vendor == "postgresql":
        keys = sorted({lock_key(root) for root in _roots(codes)})
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])
    elif connection.vendor == "sqlite":
        # a write statement that changes nothing takes SQLite's write lock (waiting up to the
        # connection's busy timeout for another writer's transaction to end); nothing is read
        # before it, or SQLite could not upgrade the transaction's read to a write
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_closedperiod SET id = id WHERE 1 = 0")
