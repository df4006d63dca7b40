"""Users, their role grants per store, API tokens and console preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk

ROLES = ("customer", "agent", "reviewer", "finance", "warehouse", "technician",
         "supervisor", "platform", "admin", "integration")


class User(IdPk, Created, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # A customer user is bound to exactly one customer, hence one store.
    customer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("customer.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # Console sessions carry the epoch they began in; signing out or a new password moves it
    # on, which ends every session of the user at once (web/session.py).
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")


class RoleGrant(IdPk, Base):
    """`role` in `store`; store NULL means every store (platform staff, admins)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "store_id"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True, nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    store_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("store.id"), index=True)


class ApiToken(IdPk, Created, Base):
    """Bearer token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: until revoked


class UserPreference(IdPk, Base):
    """Per-user console settings, e.g. the case list's visible/ordered/frozen columns."""

    __tablename__ = "user_preference"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    value: Mapped[Any] = mapped_column(PortableJSON, nullable=False)


class SignInThrottle(Base):
    """Failed sign-ins per account or per client address, shared by every server process."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "user:<name>" or "addr:<ip>"
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)  # for the purge
