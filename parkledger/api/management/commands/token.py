"""`parkledger token create USER [--days N] [--name TEXT]`, `token revoke PREFIX|ID`, `token list [USER]`."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from parkledger.api.models import ApiToken
from parkledger.api.tokens import DEFAULT_DAYS, MAX_DAYS, token_create, token_revoke


class Command(BaseCommand):
    help = "Create (shown once), revoke or list the API tokens of users."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for USER and print its key once")
        create.add_argument("user", help="username")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"validity in days (1–{MAX_DAYS})")
        create.add_argument("--name", default="", help="what the token is for (e.g. the client system)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix or id")
        revoke.add_argument("token", help="the token's prefix (plk_xxxxxx) or id")
        listing = sub.add_parser("list", help="list tokens (of USER)")
        listing.add_argument("user", nargs="?", help="username")

    def handle(self, *args, **options) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: options["user"]})
        except User.DoesNotExist as exc:
            raise CommandError(f"no user {options['user']!r}") from exc
        if not user.is_active:
            raise CommandError(f"user {options['user']!r} is not active")
        try:
            token, key = token_create(user=user, days=options["days"], name=options["name"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(key)
        self.stderr.write(
            f"token {token.pk} for {user} expires {token.expires_at:%Y-%m-%d %H:%M %Z}; "
            "the key above is shown only once: store it now"
        )

    def _revoke(self, options) -> None:
        value = options["token"]
        condition = Q(prefix=value) | Q(pk=int(value)) if value.isdigit() else Q(prefix=value)
        tokens = list(ApiToken.objects.filter(condition))
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} tokens match {value!r}: give the id")
        token = token_revoke(token=tokens[0])
        self.stdout.write(f"token {token.pk} ({token.prefix}…) of {token.user} revoked at {token.revoked_at:%Y-%m-%d %H:%M}")

    def _list(self, options) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created")
        if options.get("user"):
            tokens = tokens.filter(user__username=options["user"])
        for token in tokens:
            state = "revoked" if token.revoked_at else ("expired" if token.is_expired else "active")
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.user}\t{state}\texpires {token.expires_at:%Y-%m-%d}\t{token.name}"
            )
