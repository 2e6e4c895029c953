from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    name = "parkledger.periods"
    label = "periods"
    verbose_name = _("封账")

    def ready(self) -> None:
        from parkledger.dataio.hooks import register_rows_check
        from parkledger.periods.import_hooks import closed_period_rows_check

        register_rows_check(closed_period_rows_check)
