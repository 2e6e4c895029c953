from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingConfig(AppConfig):
    name = "parkledger.filing"
    label = "filing"
    verbose_name = _("填报")

    def ready(self) -> None:
        from parkledger.filing import arrivals

        arrivals.connect()
