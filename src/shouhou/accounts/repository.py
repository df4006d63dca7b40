from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from shouhou.models import ApiToken, Customer, RoleGrant, Store, User, UserPreference


def store_by_code(session: Session, code: str) -> Store | None:
    return session.scalars(select(Store).where(Store.code == code)).first()


def store_by_id(session: Session, store_id: int) -> Store | None:
    return session.get(Store, store_id)


def all_stores(session: Session) -> list[Store]:
    return list(session.scalars(select(Store).order_by(Store.code)))


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def grants_of(session: Session, user_id: int) -> list[RoleGrant]:
    return list(session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id).order_by(RoleGrant.id)))


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


class TokenGrant(NamedTuple):
    revoked: object  # when it was revoked (None: in use)
    expires: object  # when it expires (None: never)
    last_used: object
    id: int
    username: str
    display_name: str
    is_active: bool
    customer_id: int | None
    role: str | None
    store_id: int | None


# Every API request authenticates: one statement built once, plain columns, no ORM objects.
_TOKEN_GRANTS = (
    select(ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at, User.id, User.username,
           User.display_name, User.is_active, User.customer_id, RoleGrant.role, RoleGrant.store_id)
    .join(User, User.id == ApiToken.user_id)
    .outerjoin(RoleGrant, RoleGrant.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .order_by(RoleGrant.id)
)


def token_grants(session: Session, token_hash: str) -> list[TokenGrant]:
    """The token's user with one row per role grant (a single row with no role if none)."""
    return [TokenGrant._make(row) for row in session.execute(_TOKEN_GRANTS, {"token_hash": token_hash})]


def customer_by_external(session: Session, store_id: int, external_id: str) -> Customer | None:
    return session.scalars(select(Customer).where(Customer.store_id == store_id,
                                                  Customer.external_id == external_id)).first()


def preference(session: Session, user_id: int, key: str) -> UserPreference | None:
    return session.scalars(select(UserPreference).where(UserPreference.user_id == user_id,
                                                        UserPreference.key == key)).first()


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def tokens(session: Session, user_id: int | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens with their user's name, newest first."""
    stmt = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id.desc())
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return [(t, name) for t, name in session.execute(stmt)]


def tokens_by_prefix(session: Session, prefix: str) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)))
def holders_of(session: Session, role: str, store_id: int) -> list[User]:
    """Active users holding `role` in the store or in every store, by name."""
    return list(session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, or_(RoleGrant.store_id == store_id, RoleGrant.store_id.is_(None)),
               User.is_active.is_(True)).order_by(User.username).distinct()))
