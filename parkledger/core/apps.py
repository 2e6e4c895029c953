from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parkledger.core"
    label = "core"
    verbose_name = _("园区与企业")

    def ready(self) -> None:
        from parkledger.core import rollup
        from parkledger.core.admin import register_ledgers

        register_ledgers()
        rollup.connect()
