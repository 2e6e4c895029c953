from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parkledger.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from django.contrib import admin

        from parkledger.accounts import checks, signals  # noqa: F401  (receivers and checks register on import)
        from parkledger.accounts.views import admin_login_redirect

        # the admin site logs in through the application's login (lockout, second factor)
        admin.site.login = admin_login_redirect
