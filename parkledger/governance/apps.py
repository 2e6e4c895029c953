from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_hazard_deadlines(sender, using: str = "default", **kwargs) -> None:
    """After a migrate: put back the overdue-count table's triggers if a migration dropped them."""
    from django.db import connections

    from parkledger.governance import hazard_deadlines

    hazard_deadlines.ensure(connections[using])


class GovernanceConfig(AppConfig):
    name = "parkledger.governance"
    label = "governance"
    verbose_name = _("综合治理")

    def ready(self) -> None:
        post_migrate.connect(_ensure_hazard_deadlines, sender=self, dispatch_uid="governance.hazard_deadlines")
