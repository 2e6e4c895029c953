from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parkledger.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from django.contrib import admin

        from parkledger.accounts import checks, signals  # noqa: F401  (receivers and checks register on import)
        from parkledger.accounts.gate import import_rows_check, import_scope
        from parkledger.accounts.views import admin_login_redirect
        from parkledger.dataio.hooks import register_import_scope, register_rows_check

        # every imported row through the write gate (web import, API bulk, `parkledger import --user`)
        register_import_scope(import_scope)
        register_rows_check(import_rows_check)

        # the admin site logs in through the application's login (lockout, second factor)
        admin.site.login = admin_login_redirect
