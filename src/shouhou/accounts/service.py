"""Stores, users, role grants, API tokens, sign-in."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from shouhou.accounts import password_policy, signin, store_config, token_use
from shouhou.accounts import repository as repo
from shouhou.accounts.passwords import hash_password, verify_password
from shouhou.accounts.signin import dummy_hash
from shouhou.clock import Clock
from shouhou.config import Settings
from shouhou.db import Database
from shouhou.db.cache import cache_of
from shouhou.engine.actor import Actor
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import require
from shouhou.errors import Conflict, Invalid, Unauthorized, not_found
from shouhou.fields import FilledIdent, Line, parse_as
from shouhou.models import ROLES, ApiToken, Customer, RoleGrant, Store, User, UserPreference

TOKEN_PREFIX = "shh_"
T = TypeVar("T")
MAX_TOKEN_DAYS = 3650


def create_store(ctx: Ctx, code: str, name: str, *, timezone: str = "Asia/Shanghai",
                 return_contact: str = "", return_phone: str = "", return_address: str = "") -> Store:
    require(ctx.actor, "store.admin", None)
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 32:
        raise Invalid("invalid_store_code", en="Store code must be 1-32 letters, digits, - or _",
                      zh="店铺代码须为1-32位字母、数字、-或_", code=code)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("invalid_timezone", en="Unknown time zone {timezone}", zh="未知时区 {timezone}",
                      timezone=timezone) from None
    if repo.store_by_code(ctx.session, code):
        raise Conflict("store_exists", en="Store {code} already exists", zh="店铺 {code} 已存在", code=code)
    store = Store(code=code, name=name, timezone=timezone, return_contact=return_contact,
                  return_phone=return_phone, return_address=return_address, settings={},
                  created_at=ctx.clock.now())
    ctx.session.add(store)
    ctx.session.flush()
    return store


def get_store(session: Session, code: str) -> Store:
    store = repo.store_by_code(session, code)
    if store is None:
        raise not_found("store", code)
    return cache_of(session).keep(store)


def get_user(session: Session, username: str) -> User:
    user = repo.user_by_name(session, username)
    if user is None:
        raise not_found("user", username)
    return user


def add_user(ctx: Ctx, username: str, role: str, *, store_code: str | None = None,
             customer_external_id: str | None = None, password: str | None = None,
             display_name: str = "", password_policy_applies: bool = True) -> User:
    """`password_policy_applies=False` only for demo data (its password is published)."""
    require(ctx.actor, "user.admin", None)
    parse_as(FilledIdent, username, "username")  # shown on cases and in exports as the API's user fields are
    parse_as(Line, display_name, "display_name")
    if password is not None and password_policy_applies:
        password_policy.check(password, username, ctx.settings.password_min_length)
    if repo.user_by_name(ctx.session, username):
        raise Conflict("user_exists", en="User {username} already exists", zh="用户 {username} 已存在",
                       username=username)
    user = User(username=username, display_name=display_name or username,
                password_hash=hash_password(password) if password else None,
                is_active=True, created_at=ctx.clock.now())
    ctx.session.add(user)
    ctx.session.flush()
    grant(ctx, user, role, store_code=store_code, customer_external_id=customer_external_id)
    return user


def grant(ctx: Ctx, user: User, role: str, *, store_code: str | None = None,
          customer_external_id: str | None = None) -> RoleGrant:
    require(ctx.actor, "user.admin", None)
    if role not in ROLES:
        raise Invalid("invalid_role", en="Unknown role {role}", zh="未知角色 {role}", role=role, roles=list(ROLES))
    store = get_store(ctx.session, store_code) if store_code else None
    if role in ("customer", "integration") and store is None:
        raise Invalid("store_required", en="A {role} user belongs to one store: give --store",
                      zh="{role} 用户必须属于一个店铺，请指定 --store", role=role)
    if role == "customer":
        if not customer_external_id:
            raise Invalid("customer_required", en="A customer user is bound to one customer: give --customer",
                          zh="客户用户必须绑定一个客户，请指定 --customer")
        assert store is not None
        customer = repo.customer_by_external(ctx.session, store.id, customer_external_id)
        if customer is None:
            customer = Customer(store_id=store.id, external_id=customer_external_id, name=user.display_name,
                                created_at=ctx.clock.now())
            ctx.session.add(customer)
            ctx.session.flush()
        if user.customer_id not in (None, customer.id):
            raise Conflict("customer_bound", en="User {username} is already bound to another customer",
                           zh="用户 {username} 已绑定其他客户", username=user.username)
        user.customer_id = customer.id
    row = RoleGrant(user_id=user.id, role=role, store_id=store.id if store else None)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def set_password(ctx: Ctx, username: str, password: str) -> None:
    """A new password (by the policy); every console session of the user ends."""
    require(ctx.actor, "user.admin", None)
    user = get_user(ctx.session, username)
    password_policy.check(password, username, ctx.settings.password_min_length)
    user.password_hash = hash_password(password)
    end_sessions(ctx.session, user.id)


def issue_token(ctx: Ctx, username: str, name: str = "", expires_in_days: int | None = None) -> str:
    """Create an API token; only its hash is kept, so this is the one time it is seen."""
    require(ctx.actor, "user.admin", None)
    user = get_user(ctx.session, username)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise Invalid("invalid_token_expiry", en="A token expires in 1 to {max} days",
                      zh="令牌有效期须为 1 至 {max} 天", max=MAX_TOKEN_DAYS, days=expires_in_days)
    now = ctx.clock.now()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ctx.session.add(ApiToken(user_id=user.id, name=name or "default", token_hash=hash_token(token),
                             prefix=token[:10], created_at=now,
                             expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None))
    ctx.session.flush()
    return token


def list_tokens(ctx: Ctx, username: str | None = None) -> list[tuple[ApiToken, str]]:
    """Every token (of one user), newest first, with its user's name; never the token itself."""
    require(ctx.actor, "user.admin", None)
    return repo.tokens(ctx.session, get_user(ctx.session, username).id if username else None)


def revoke_token(ctx: Ctx, key: str) -> ApiToken:
    """Revoke a token given by its id or its prefix (shh_ and 6 more characters, as listed)."""
    require(ctx.actor, "user.admin", None)
    if key.isdigit():
        found = [t for t in [ctx.session.get(ApiToken, int(key))] if t is not None]
    else:
        found = repo.tokens_by_prefix(ctx.session, key)
    if not found:
        raise not_found("token", key)
    if len(found) > 1:
        raise Conflict("ambiguous_token", en="Several tokens start with {key}: give the id",
                       zh="多个令牌以 {key} 开头，请使用编号", key=key, ids=[t.id for t in found])
    token = found[0]
    if token.revoked_at is None:
        token.revoked_at = ctx.clock.now()
        ctx.session.flush()
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_for(session: Session, user: User) -> Actor:
    grants = tuple((g.role, g.store_id) for g in repo.grants_of(session, user.id))
    return Actor(user_id=user.id, name=user.username, grants=grants, customer_id=user.customer_id,
                 display_name=user.display_name)


def authenticate_token(session: Session, token: str, clock: Clock) -> Actor:
    token_hash = hash_token(token)
    rows = repo.token_grants(session, token_hash) if token.startswith(TOKEN_PREFIX) else []
    if not rows:
        raise Unauthorized("invalid_token", en="The API token is unknown", zh="API 令牌无效")
    first = rows[0]
    if first.revoked is not None:
        raise Unauthorized("token_revoked", en="The API token was revoked", zh="API 令牌已吊销")
    now = clock.now()
    expires = _instant(first.expires)
    if expires is not None and expires <= now:
        raise Unauthorized("token_expired", en="The API token has expired", zh="API 令牌已过期")
    if not first.is_active:
        raise Unauthorized("user_inactive", en="The user is disabled", zh="用户已停用")
    token_use.note(session, token_hash, _instant(first.last_used), now)
    grants = tuple((r.role, r.store_id) for r in rows if r.role is not None)
    return Actor(user_id=first.id, name=first.username, grants=grants, customer_id=first.customer_id,
                 display_name=first.display_name)


def _instant(value: object) -> datetime | None:
    """A time as the driver gives it: aware on PostgreSQL, naive UTC text on SQLite."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def authenticate_password(session: Session, username: str, password: str) -> Actor:
    """Unthrottled: for tools; the console signs in through signin.py."""
    user = repo.user_by_name(session, username)
    known = user if user is not None and user.is_active and user.password_hash else None
    if not verify_password(known.password_hash if known else dummy_hash(), password) or known is None:
        raise Unauthorized("bad_credentials", en="Wrong user name or password", zh="用户名或密码错误")
    return actor_for(session, known)


def actor_by_id(session: Session, user_id: int, session_epoch: int) -> Actor | None:
    """The user of a console session, if the session is still valid (same epoch)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_epoch != session_epoch:
        return None
    return actor_for(session, user)


def end_sessions(session: Session, user_id: int) -> None:
    """Every console session of the user ends (sign-out, new password)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_epoch += 1
        session.flush()


def get_preference(ctx: Ctx, key: str, default: Any = None) -> Any:
    if ctx.actor.user_id is None:
        return default
    row = repo.preference(ctx.session, ctx.actor.user_id, key)
    return row.value if row else default


def set_preference(ctx: Ctx, key: str, value: Any) -> None:
    if ctx.actor.user_id is None:
        return
    row = repo.preference(ctx.session, ctx.actor.user_id, key)
    if row is None:
        ctx.session.add(UserPreference(user_id=ctx.actor.user_id, key=key, value=value))
    else:
        row.value = value
    ctx.session.flush()


def visible_stores(ctx: Ctx) -> list[Store]:
    ids = ctx.actor.store_ids()
    stores = repo.all_stores(ctx.session)
    return stores if ids is None else [s for s in stores if s.id in ids]


def find_staff(ctx: Ctx, username: str, store_id: int, roles: frozenset[str]) -> User:
    """A user holding one of `roles` in the store, e.g. an assignee."""
    user = repo.user_by_name(ctx.session, username)
    here = [g for g in repo.grants_of(ctx.session, user.id) if g.store_id in (None, store_id)] if user else []
    if user is None or not user.is_active or not here:  # someone of another store is not found here
        raise not_found("user", username)
    if not any(g.role in roles for g in here):
        raise Invalid("assignee_not_staff", en="{user} does not hold {roles} in this store",
                      zh="{user} 在本店铺没有 {roles} 角色", user=username, roles=sorted(roles))
    return user


def staff_holding(ctx: Ctx, store_id: int, role: str) -> int | None:
    """The id of the first active user (by name) holding `role` in the store, e.g. to escalate to."""
    found = repo.holders_of(ctx.session, role, store_id)
    return found[0].id if found else None


def team(ctx: Ctx, store_id: int, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(user name, display name) of the active users holding any of `roles` in the store: whom a
    case may be handed to."""
    seen: dict[str, str] = {}
    for role in roles:
        for user in repo.holders_of(ctx.session, role, store_id):
            seen.setdefault(user.username, user.display_name or user.username)
    return sorted(seen.items())


def is_empty(session: Session) -> bool:
    return not repo.all_stores(session)


def store_for_caller(ctx: Ctx, code: str | None) -> Store:
    """The store named, else the caller's only store (a buyer's is their customer's). A store
    the caller has no role in is not found, as if it did not exist."""
    if code:
        store = get_store(ctx.session, code)
        ids = ctx.actor.store_ids()
        if ids is not None and store.id not in ids:
            raise not_found("store", code)
        return store
    actor = ctx.actor
    if actor.customer_id is not None:
        return ctx.session.get_one(Store, ctx.session.get_one(Customer, actor.customer_id).store_id)
    ids = actor.store_ids()
    if ids is not None and len(ids) == 1:
        return ctx.session.get_one(Store, next(iter(ids)))
    raise Invalid("store_required", en="Say which store: give store (or an order number)",
                  zh="请指定店铺（store）或订单号")


def customer_by_external(session: Session, store_id: int, external_id: str) -> Customer | None:
    return repo.customer_by_external(session, store_id, external_id)


def store_cached(store: Store, name: str, load: Callable[[], T]) -> T:
    """What the store configures rarely (reasons, policy), kept by the process until it changes."""
    return store_config.cached(store, name, load)


def store_config_changed(store: Store) -> None:
    """The store's reasons or policy change in this transaction: every process reads them afresh."""
    store_config.changed(store)


class _Identities:
    """How the API and the console learn who is calling (api.deps.Identities)."""

    by_token = staticmethod(authenticate_token)
    by_user_id = staticmethod(actor_by_id)
    end_sessions = staticmethod(end_sessions)


IDENTITIES = _Identities()


def all_stores(session: Session) -> list[Store]:
    return repo.all_stores(session)


def forget_old_sign_in_counts(db: Database, settings: Settings, clock: Clock) -> int:
    """Housekeeping: sign-in counters that no longer count (a name that never signs in leaves one)."""
    with db.session() as session:
        return signin.purge(session, signin.Limits.of(settings), clock.now())
