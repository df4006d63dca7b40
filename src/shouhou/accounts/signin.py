"""Password sign-in, throttled per account and per client address with exponential back-off.

An attempt is counted as a failure *before* its password is verified, in a short
transaction that locks the two counters, so concurrent guesses (from any number of server
processes) are each counted and cannot slip in together before the first failure is
recorded; a success then takes its count back. Unknown names are verified against a dummy
hash, so they cost as much time as known ones and are throttled the same way.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from shouhou.accounts.passwords import hash_password, verify_password
from shouhou.config import Settings
from shouhou.errors import Throttled, Unauthorized
from shouhou.models import RoleGrant, SignInThrottle, User

log = logging.getLogger("shouhou.security")
MAX_PASSWORD_CHARS = 1024  # argon2 reads it all: no megabyte passwords


@dataclass(frozen=True)
class Limits:
    free_per_account: int
    free_per_address: int
    base: timedelta
    cap: timedelta
    window: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.sign_in_free_failures, settings.sign_in_free_failures_per_address,
                   timedelta(seconds=settings.sign_in_backoff_seconds),
                   timedelta(seconds=settings.sign_in_backoff_max_seconds),
                   timedelta(minutes=settings.sign_in_window_minutes))

    def backoff(self, beyond_free: int) -> timedelta:
        """The wait after the free failures: base, 2·base, 4·base … up to the cap."""
        return min(self.cap, self.base * 2 ** min(beyond_free, 40))


@dataclass(frozen=True)
class Attempt:
    username: str
    address: str
    password_hash: str  # the user's, or the dummy one: verified the same way
    user_id: int | None  # None: no such active user (the attempt fails whatever the password)
    session_epoch: int = 0
    roles: frozenset[str] = frozenset()


def address_key(address: str) -> str:
    """One key per IPv4 address, per IPv6 /64 (what one customer is usually given)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def begin(session: Session, limits: Limits, now: datetime, username: str, address: str) -> Attempt:
    """Count the attempt as a failure, or refuse it (Throttled) while either counter waits."""
    counters = [(_counter(session, "user:" + username[:150], now), limits.free_per_account),
                (_counter(session, "addr:" + address_key(address), now), limits.free_per_address)]
    waits = [c.blocked_until - now for c, _ in counters if c.blocked_until is not None and c.blocked_until > now]
    if waits:
        retry_after = max(1, math.ceil(max(waits).total_seconds()))
        security_event("sign_in_throttled", username, address, retry_after=retry_after)
        raise Throttled("sign_in_throttled", en="Too many failed sign-ins; try again in {retry_after} s",
                        zh="登录失败次数过多，请 {retry_after} 秒后再试", retry_after=retry_after)
    for counter, free in counters:
        if counter.updated_at < now - limits.window:  # quiet for long enough: forgotten
            counter.failures, counter.blocked_until = 0, None
        counter.failures += 1
        counter.updated_at = now
        if counter.failures >= free:
            counter.blocked_until = now + limits.backoff(counter.failures - free)
    session.flush()
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active or not user.password_hash:
        return Attempt(username, address, dummy_hash(), None)
    roles = frozenset(session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == user.id)))
    return Attempt(username, address, user.password_hash, user.id, user.session_epoch, roles)


def verify(attempt: Attempt, password: str) -> bool:
    """The slow part (argon2): call it off the event loop."""
    matched = verify_password(attempt.password_hash, password[:MAX_PASSWORD_CHARS])
    return matched and attempt.user_id is not None


def succeeded(session: Session, limits: Limits, attempt: Attempt) -> None:
    """Take the attempt's count back: the account starts afresh, the address loses one failure."""
    account = session.get(SignInThrottle, "user:" + attempt.username[:150], with_for_update=True)
    if account is not None:
        session.delete(account)
    address = session.get(SignInThrottle, "addr:" + address_key(attempt.address), with_for_update=True)
    if address is not None:
        address.failures = max(0, address.failures - 1)
        if address.failures < limits.free_per_address:
            address.blocked_until = None
    session.flush()


def failed(attempt: Attempt) -> Unauthorized:
    security_event("sign_in_failed", attempt.username, attempt.address, known_user=attempt.user_id is not None)
    return Unauthorized("bad_credentials", en="Wrong user name or password", zh="用户名或密码错误")


def purge(session: Session, limits: Limits, now: datetime) -> int:
    """Forget counters that no longer count (a name that never signs in leaves one behind)."""
    before = now - max(limits.window, limits.cap)
    rows = list(session.scalars(select(SignInThrottle).where(SignInThrottle.updated_at < before)))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def security_event(event: str, username: str, address: str, **fields: object) -> None:
    log.warning(event, extra={"fields": {"event": event, "user": username[:150], "client": address, **fields}})


@cache
def dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _counter(session: Session, key: str, now: datetime) -> SignInThrottle:
    row = session.get(SignInThrottle, key, with_for_update=True)
    if row is None:
        row = SignInThrottle(key=key, failures=0, blocked_until=None, updated_at=now)
        session.add(row)
        session.flush()  # a concurrent first attempt at this key: IntegrityError, and the caller retries
    return row
