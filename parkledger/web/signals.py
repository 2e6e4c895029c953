"""Cache invalidation only: a ledger write starts a new generation of cached figures."""
from __future__ import annotations

import importlib.util

from django.db.models.signals import post_delete, post_save

from parkledger.core.models import LedgerModel
from parkledger.web import figcache

__all__ = ["connect"]


def _ledger_changed(sender, **kwargs) -> None:
    if isinstance(sender, type) and issubclass(sender, LedgerModel):
        figcache.new_generation()


def _imported(result, user) -> None:
    figcache.new_generation()


def connect() -> None:
    post_save.connect(_ledger_changed, dispatch_uid="web_figcache_save")
    post_delete.connect(_ledger_changed, dispatch_uid="web_figcache_delete")
    if importlib.util.find_spec("parkledger.dataio.hooks") is not None:
        from parkledger.dataio.hooks import register_after_import

        register_after_import(_imported)
