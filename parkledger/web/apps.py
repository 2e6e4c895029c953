from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "parkledger.web"
    label = "web"
    verbose_name = _("网页")

    def ready(self) -> None:
        from parkledger.dataio import hooks
        from parkledger.web import signals
        from parkledger.web.import_preview import collect_rows

        signals.connect()
        hooks.register_rows_check(collect_rows)
