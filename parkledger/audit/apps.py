from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "parkledger.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from parkledger.audit.hooks import register_dataio_hooks

        register_dataio_hooks()
