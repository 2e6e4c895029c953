"""Who is acting right now: the request's user and address, or the operating-system user of a CLI run.

The audit log and the period lock read the actor from here, so signal handlers deep below a
view, a command or the importer know who wrote a record without being told.
"""
from __future__ import annotations

import getpass
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from parkledger.accounts.conf import security_setting

__all__ = ["Actor", "current_actor", "acting_as", "request_actor", "client_ip", "current_request"]


@dataclass(frozen=True)
class Actor:
    """The subject of an audited event: a user (id and name) or `cli:<os user>`, and an address."""

    user_id: int | None
    username: str
    ip: str = ""
    user: Any = None


_request: ContextVar[Any] = ContextVar("parkledger_request", default=None)
_actor: ContextVar[Actor | None] = ContextVar("parkledger_actor", default=None)


def client_ip(request: Any) -> str:
    """The client's address; X-Forwarded-For only when the deployment trusts its proxy."""
    candidates = []
    if security_setting("TRUST_X_FORWARDED_FOR"):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidates.append(forwarded.split(",")[0].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for value in candidates:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return ""


def request_actor(request: Any) -> Actor:
    user = getattr(request, "user", None)
    ip = client_ip(request)
    if user is not None and user.is_authenticated:
        return Actor(user.pk, user.get_username(), ip, user)
    return Actor(None, "", ip)


def _cli_actor() -> Actor:
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        name = "unknown"
    return Actor(None, f"cli:{name}")


def current_actor() -> Actor:
    """The explicit actor (`acting_as`), else the current request's user, else the CLI's OS user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    if request is not None:
        return request_actor(request)
    return _cli_actor()


def current_request() -> Any:
    return _request.get()


@contextmanager
def bind_request(request: Any) -> Iterator[None]:
    """Make `request` the source of the actor for the duration of the block (used by the middleware)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def acting_as(user: Any = None, *, username: str = "", ip: str = "") -> Iterator[Actor]:
    """Run a block as a given user (API token jobs, tests, background tasks)."""
    if user is not None:
        actor = Actor(user.pk, user.get_username(), ip, user)
    else:
        actor = Actor(None, username or _cli_actor().username, ip)
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)
