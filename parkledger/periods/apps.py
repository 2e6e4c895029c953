from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    name = "parkledger.periods"
    label = "periods"
    verbose_name = _("封账")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from parkledger.core.models import Enterprise, Park
        from parkledger.dataio.hooks import register_rows_check, register_rows_written
        from parkledger.periods import moves
        from parkledger.periods.import_hooks import closed_period_rows_check

        register_rows_check(closed_period_rows_check)
        register_rows_written(moves.imported_rows_written)
        for model in (Enterprise, Park):  # moves between parks (迁入/迁出)
            pre_save.connect(moves.before_save, sender=model, dispatch_uid=f"periods_move_before_{model.__name__}")
            post_save.connect(moves.after_save, sender=model, dispatch_uid=f"periods_move_after_{model.__name__}")
