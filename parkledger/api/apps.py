from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "parkledger.api"
    label = "api"
    verbose_name = _("接口")

    def ready(self) -> None:
        from parkledger.api.bulk import scope_row_check
        from parkledger.dataio.hooks import register_row_check

        # bulk requests import with the importer: it checks each row against the API user's parks
        register_row_check(scope_row_check)
