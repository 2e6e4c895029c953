"""Sign-in throttling per (account, client address): growing delays, then a lock for that address.

Each sign-in step (password, second-factor code) runs as:

    gate = throttle.begin(user, ip)          # refused while delayed, locked, or too many in flight
    ok = <check the password or the code>    # outside any transaction
    throttle.fail(gate, reason=…) / throttle.passed(gate, reset=…)

- After `LOGIN_DELAY_AFTER` consecutive failures from an address, the next attempt from it
  waits `LOGIN_DELAY_SECONDS`, doubling with each failure; at `LOCKOUT_THRESHOLD` failures the
  account is locked *for that address* for `LOCKOUT_MINUTES`, doubling with each further
  failure up to `LOCKOUT_MAX_MINUTES`. Another address is not affected: failing on purpose
  does not lock the real user out (the reading taken of "lockout must not be a weapon").
- An attempt refused by a delay or lock checks no password and is not counted.
- `begin` reserves the attempt (`pending`) in a short transaction, so a burst of parallel
  attempts cannot check more passwords than the threshold allows; the check itself runs
  outside the transaction (password hashing is slow and SQLite has one writer).
- `passed` never clears a lock: a correct password arriving after a lock was recorded (by a
  parallel attempt) is refused. It clears the failures only when the whole sign-in is done
  (`reset=True`), so a known password does not reset the count of wrong codes.
- The security administrator ends a lock of an ordinary user (`services.account_unlock`); an
  administrator's through `parkledger accounts recover`. Both call `clear(user)`.
- A name that matches no account is counted too, per address: every unknown name tried from an
  address shares one row (`user` empty), with the same delays and lock, the same messages and
  the same steps (a reserved attempt, a password hashed by the backend, a counted failure), so
  the answers do not tell whether an account exists. While that row delays or locks, every
  sign-in from the address waits, known names too: otherwise a name answered normally while
  the unknown ones wait would be a name that exists. No sign-in clears it (a known account
  could then reset the count at will); it starts over once its last failure is older than
  `LOCKOUT_MAX_MINUTES`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parkledger.accounts.conf import security_setting
from parkledger.accounts.models import LoginThrottle
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult

__all__ = ["Gate", "begin", "fail", "passed", "clear", "is_locked_for", "locked_addresses", "fail_unguarded"]


@dataclass
class Gate:
    """One attempt: allowed, or refused as `delayed` / `locked` with the seconds to wait."""

    user: Any  # None: a name that matches no account (counted per address)
    ip: str
    refusal: str = ""
    wait_seconds: int = 0
    throttle_id: int | None = None
    username: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.refusal)


def _locked_row(user: Any, ip: str) -> LoginThrottle:
    """The (user, ip) row, locked until the transaction ends; created when missing (a row may be
    deleted by a completed sign-in, or created by a parallel attempt, at any moment). `user`
    None: the address's row of unknown names."""
    for _attempt in range(10):
        row = LoginThrottle.objects.select_for_update().filter(user=user, ip=ip).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                return LoginThrottle.objects.create(user=user, ip=ip)  # ours alone until we commit
        except IntegrityError:
            continue  # a parallel attempt created it first: lock that one
    raise RuntimeError(f"the sign-in throttle row of user {getattr(user, 'pk', None)} at {ip!r} could not be locked")


def _seconds_until(moment: Any, now: Any) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def _forget_old_unknown(row: LoginThrottle, now: Any) -> None:
    """The address's row of unknown names starts over once its last failure is old enough."""
    if row.user_id is not None or row.last_failure_at is None:
        return
    if row.locked_until and row.locked_until > now:
        return
    if (now - row.last_failure_at).total_seconds() > float(security_setting("LOCKOUT_MAX_MINUTES")) * 60:
        row.failures, row.retry_at, row.locked_until = 0, None, None


def _address_refusal(ip: str, now: Any) -> tuple[str, int]:
    """("locked" | "delayed" | "", seconds) from the address's row of unknown names."""
    row = LoginThrottle.objects.filter(user=None, ip=ip).only("locked_until", "retry_at").first()
    if row is None:
        return "", 0
    if row.locked_until and row.locked_until > now:
        return "locked", _seconds_until(row.locked_until, now)
    if row.retry_at and row.retry_at > now:
        return "delayed", _seconds_until(row.retry_at, now)
    return "", 0


def begin(user: Any, ip: str, *, reason: str = "password", username: str = "") -> Gate:
    """Reserve an attempt for `user` from `ip`, or refuse it (audited). `user` None: an unknown name
    (`username`, for the audit), counted in the address's row of unknown names."""
    gate = Gate(user=user, ip=ip or "", username=username)
    now = timezone.now()
    threshold = int(security_setting("LOCKOUT_THRESHOLD"))
    by_address = False
    with transaction.atomic():
        row = _locked_row(user, gate.ip)
        _forget_old_unknown(row, now)
        if row.pending and (row.pending_since is None or (now - row.pending_since).total_seconds()
                            > float(security_setting("LOGIN_PENDING_SECONDS"))):
            row.pending = 0
        if row.locked_until and row.locked_until > now:
            gate.refusal, gate.wait_seconds = "locked", _seconds_until(row.locked_until, now)
        elif row.retry_at and row.retry_at > now:
            gate.refusal, gate.wait_seconds = "delayed", _seconds_until(row.retry_at, now)
        elif row.pending and row.failures + row.pending >= threshold:
            # as many attempts are being checked as may still fail before the lock: wait for them
            gate.refusal, gate.wait_seconds = "delayed", 1
        elif user is not None and (refusal := _address_refusal(gate.ip, now))[0]:
            # unknown names from this address are waiting: known ones wait the same
            gate.refusal, gate.wait_seconds = refusal
            by_address = True
        else:
            row.pending += 1
            row.pending_since = now
            gate.throttle_id = row.pk
        row.save(update_fields=["pending", "pending_since", "failures", "retry_at", "locked_until"])
    if gate.refused:
        audit_log(AuditAction.LOGIN_FAILED, obj=user, user=user if user is not None else username,
                  result=AuditResult.DENIED, detail={"reason": gate.refusal, "step": reason,
                                                     "wait_seconds": gate.wait_seconds,
                                                     **({"unknown_user": True} if user is None else {}),
                                                     **({"unknown_names_of_address": True} if by_address else {})})
    return gate


def _release(row: LoginThrottle) -> None:
    row.pending = max(0, row.pending - 1)


def fail(gate: Gate, *, reason: str = "password", username: str = "") -> None:
    """Count a failed attempt; delay or lock the (account, address) as the count says (for an
    unknown name, the address's row of unknown names). Audited."""
    username = username or gate.username
    who = gate.user if gate.user is not None else username
    unknown = {"unknown_user": True} if gate.user is None else {}
    now = timezone.now()
    threshold = int(security_setting("LOCKOUT_THRESHOLD"))
    locked_now = False
    with transaction.atomic():
        row = _locked_row(gate.user, gate.ip)
        _forget_old_unknown(row, now)
        if gate.throttle_id is not None:
            _release(row)
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= threshold:
            minutes = float(security_setting("LOCKOUT_MINUTES")) * 2 ** (row.failures - threshold)
            minutes = min(minutes, float(security_setting("LOCKOUT_MAX_MINUTES")))
            row.locked_until = now + timedelta(minutes=minutes)
            locked_now = True
        elif row.failures >= int(security_setting("LOGIN_DELAY_AFTER")):
            seconds = float(security_setting("LOGIN_DELAY_SECONDS")) * 2 ** (
                row.failures - int(security_setting("LOGIN_DELAY_AFTER")))
            row.retry_at = now + timedelta(seconds=seconds)
        row.save()
    audit_log(AuditAction.LOGIN_FAILED, obj=gate.user, user=who, result=AuditResult.FAILURE,
              detail={"reason": reason, "failed_logins": row.failures, **unknown})
    if locked_now:
        audit_log(AuditAction.LOCKOUT, obj=gate.user, user=who, detail={
            "failed_logins": row.failures, "locked_until": row.locked_until.isoformat(), "address": gate.ip,
            **unknown,
        })


def passed(gate: Gate, *, reset: bool = True) -> bool:
    """A correct password or code: True unless a lock was recorded meanwhile (the lock holds).

    `reset` clears the failure count (the sign-in is complete)."""
    if gate.user is None:
        return True
    now = timezone.now()
    with transaction.atomic():
        row = _locked_row(gate.user, gate.ip)
        if gate.throttle_id is not None:
            _release(row)
        locked = bool(row.locked_until and row.locked_until > now)
        if reset and not locked and not row.pending:
            row.delete()  # nothing left to remember: the table holds only addresses with failures
        else:
            if reset and not locked:
                row.failures, row.retry_at, row.locked_until = 0, None, None
            row.save()
    if locked:
        gate.refusal, gate.wait_seconds = "locked", _seconds_until(row.locked_until, now)
        audit_log(AuditAction.LOGIN_FAILED, obj=gate.user, user=gate.user, result=AuditResult.DENIED,
                  detail={"reason": "locked", "wait_seconds": gate.wait_seconds})
    return not locked


def fail_unguarded(username: str, ip: str, *, reason: str = "password") -> None:
    """A failed `authenticate()` outside the sign-in forms (counted like theirs)."""
    from parkledger.accounts.authn import find_user

    user = find_user(username) if username else None
    fail(Gate(user=user, ip=ip or "", username=username), reason=reason)


def clear(user: Any) -> int:
    """End every delay and lock of `user`, at every address; the number of addresses that had one."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(user=user)
    held = sum(1 for row in rows if (row.locked_until and row.locked_until > now) or row.failures)
    rows.delete()
    return held


def is_locked_for(user: Any, ip: str) -> bool:
    """Is `user` locked for sign-ins (and API tokens) from `ip`?"""
    return LoginThrottle.objects.filter(user=user, ip=ip or "", locked_until__gt=timezone.now()).exists()


def locked_addresses(user: Any) -> list[str]:
    return list(LoginThrottle.objects.filter(user=user, locked_until__gt=timezone.now())
                .order_by("ip").values_list("ip", flat=True))
