"""`parkledger accounts …`: bootstrap and manage accounts, roles and memberships from the server's shell.

The command line acts as `cli:<os user>` (an operator with shell access to the server); use it
to create the first three administrators, who then work through the web pages, to grant or
revoke administrator roles, and to recover an administrator's account (`recover`), which no
administrator can do on the web.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.accounts import services
from parkledger.accounts.conf import security_setting
from parkledger.accounts.models import Membership, RoleAssignment
from parkledger.accounts.roles import Role


class Command(BaseCommand):
    help = "Create accounts, grant or revoke roles and park memberships, unlock or recover accounts, list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create an account; prints its initial password (changed at first login)")
        create.add_argument("username")
        create.add_argument("--email", default="")
        create.add_argument("--name", default="", help="display name")
        create.add_argument("--role", choices=Role.values, help="grant this role too")
        create.add_argument("--park", help="membership of this park (and its sub-parks)")
        create.add_argument("--city", default="", help="membership of every park of this city")
        create.add_argument("--enterprise", help="enterprise user of this 统一社会信用代码")
        for name, text in (("grant", "grant a role"), ("revoke", "revoke a role")):
            p = sub.add_parser(name, help=text)
            p.add_argument("username")
            p.add_argument("role", choices=Role.values)
        member = sub.add_parser("member", help="add a park, city or enterprise membership")
        member.add_argument("username")
        scope = member.add_mutually_exclusive_group(required=True)
        scope.add_argument("--park")
        scope.add_argument("--city")
        scope.add_argument("--enterprise")
        recover = sub.add_parser("recover", help=(
            "recover an account, an administrator's included: a new temporary password, changed at the "
            "next login, where a new second factor is enrolled; locks and API tokens end"))
        recover.add_argument("username")
        for name, text in (("unlock", "end a lockout"),
                           ("reset-password", "print a one-time link with which the user sets a new password"),
                           ("reset-totp", "forget the second factor"), ("disable", "disable the account"),
                           ("enable", "enable the account")):
            p = sub.add_parser(name, help=text)
            p.add_argument("username")
        sub.add_parser("list", help="accounts with their roles and memberships")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc

    @staticmethod
    def _user(username: str):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        return user

    def do_create(self, options) -> None:
        password = services.generate_password()
        user = services.account_create(
            actor=None, username=options["username"], email=options["email"], first_name=options["name"],
            password=password,
        )
        if options["role"]:
            services.role_grant(actor=None, user=user, role=options["role"])
        if options["park"] or options["city"] or options["enterprise"]:
            services.membership_grant(actor=None, user=user, park=options["park"], city=options["city"],
                                      enterprise=options["enterprise"])
        self.stdout.write(f"{user.username}: initial password {password} (must be changed at first login)")

    def do_grant(self, options) -> None:
        services.role_grant(actor=None, user=self._user(options["username"]), role=options["role"])
        self.stdout.write(f"{options['username']}: + {options['role']}")

    def do_revoke(self, options) -> None:
        services.role_revoke(actor=None, user=self._user(options["username"]), role=options["role"])
        self.stdout.write(f"{options['username']}: - {options['role']}")

    def do_member(self, options) -> None:
        membership = services.membership_grant(
            actor=None, user=self._user(options["username"]), park=options["park"], city=options["city"] or "",
            enterprise=options["enterprise"],
        )
        self.stdout.write(f"{options['username']}: {membership.scope_label}")

    def do_unlock(self, options) -> None:
        services.account_unlock(actor=None, user=self._user(options["username"]))
        self.stdout.write(f"{options['username']}: unlocked")

    def do_reset_password(self, options) -> None:
        path = services.account_reset_link(actor=None, user=self._user(options["username"]))
        hours = security_setting("RESET_LINK_HOURS")
        self.stdout.write(f"{options['username']}: old password no longer works; one-time link, valid {hours} h "
                          f"(prefix the site's address): {path}")

    def do_recover(self, options) -> None:
        user = self._user(options["username"])
        password = services.account_recover(user=user)
        self.stdout.write(f"{user.username}: temporary password {password} (to be changed at the next login, "
                          "where a new second factor is enrolled); sign-in locks and API tokens ended")
        if not user.is_active:
            self.stdout.write(f"{user.username} is disabled: `parkledger accounts enable {user.username}` lets him in")

    def do_reset_totp(self, options) -> None:
        services.totp_reset(actor=None, user=self._user(options["username"]))
        self.stdout.write(f"{options['username']}: second factor reset (enrolled again at the next login)")

    def do_disable(self, options) -> None:
        services.account_set_active(actor=None, user=self._user(options["username"]), active=False)
        self.stdout.write(f"{options['username']}: disabled")

    def do_enable(self, options) -> None:
        services.account_set_active(actor=None, user=self._user(options["username"]), active=True)
        self.stdout.write(f"{options['username']}: enabled")

    def do_list(self, options) -> None:
        roles: dict[int, list[str]] = {}
        for user_id, role in RoleAssignment.objects.values_list("user_id", "role"):
            roles.setdefault(user_id, []).append(role)
        scopes: dict[int, list[str]] = {}
        for membership in Membership.objects.all():
            scopes.setdefault(membership.user_id, []).append(membership.scope_label)
        for user in get_user_model()._default_manager.order_by("username"):
            flags = "" if user.is_active else " (disabled)"
            flags += " superuser" if user.is_superuser else ""
            self.stdout.write(f"{user.username}{flags}: roles {','.join(sorted(roles.get(user.pk, []))) or '-'}; "
                              f"{'; '.join(scopes.get(user.pk, [])) or '-'}")
