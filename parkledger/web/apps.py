from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "parkledger.web"
    label = "web"
    verbose_name = _("网页")

    def ready(self) -> None:
        from parkledger.web import signals

        signals.connect()
