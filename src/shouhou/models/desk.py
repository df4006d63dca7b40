"""The service desk (issue 20): business hours, service levels, teams and routing, followers,
the conversation, canned replies, the knowledge base and its search index, mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from shouhou.db import Base
from shouhou.db.types import PortableJSON, UTCDateTime
from shouhou.models._mixins import BigId, Created, IdPk, StoreScoped


class DeskSettings(IdPk, StoreScoped, Base):
    """A store's business hours and mail settings (one row per store, made on first PUT)."""

    __tablename__ = "desk_settings"
    __table_args__ = (UniqueConstraint("store_id"),)

    # {"mon": [["09:00", "12:00"], ...], ...}; None: the default week (desk/hours.py).
    weekdays: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    exceptions: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the store's
    mail: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False, default=dict)
    # The store's service address, lower-cased: incoming mail finds its store by it.
    address: Mapped[str | None] = mapped_column(String(200), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class SlaPolicy(IdPk, StoreScoped, Base):
    """One policy of a store's ordered list (first match wins)."""

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("store_id", "position"),)

    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False)


class SlaClock(IdPk, StoreScoped, Base):
    """A case's service-level target: what the event log says of it, stored for lists and reports,
    and when to look at it again (`check_at`). Warning and breach fire once each: their time is
    set by compare-and-swap from NULL (desk/sla_sweep.py)."""

    __tablename__ = "sla_clock"
    __table_args__ = (
        UniqueConstraint("case_id", "target"),
        Index("ix_sla_clock_check", "check_at", "id", sqlite_where=text("check_at IS NOT NULL"),
              postgresql_where=text("check_at IS NOT NULL")),
        Index("ix_sla_clock_store_due", "store_id", "due_at"),
    )

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    target: Mapped[str] = mapped_column(String(20), nullable=False)
    policy: Mapped[str] = mapped_column(String(100), nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    business: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # running | paused | met | breached | idle
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    elapsed_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class DeskNotification(IdPk, StoreScoped, Created, Base):
    """What a member of staff is told (an SLA warning, a breach, a transfer), shown in the inbox."""

    __tablename__ = "desk_notification"
    __table_args__ = (Index("ix_desk_notification_user", "user_id", "read_at"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    text_zh: Mapped[str] = mapped_column(String(500), nullable=False)
    text_en: Mapped[str] = mapped_column(String(500), nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Team(IdPk, StoreScoped, Base):
    """A queue (客服组): its members, how work is shared among them, and its supervisor."""

    __tablename__ = "desk_team"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    strategy: Mapped[str] = mapped_column(String(20), nullable=False, default="round_robin")  # | least_open
    supervisor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))
    last_assigned_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("user_account.id"))


class TeamMember(IdPk, StoreScoped, Base):
    __tablename__ = "desk_team_member"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("desk_team.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    skills: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class RoutingRule(IdPk, StoreScoped, Base):
    """Which team a new case goes to (first match wins; an empty list matches all)."""

    __tablename__ = "desk_routing_rule"
    __table_args__ = (UniqueConstraint("store_id", "position"),)

    position: Mapped[int] = mapped_column(Integer, nullable=False)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("desk_team.id"), nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, nullable=False)


class CaseDesk(IdPk, StoreScoped, Base):
    """The desk's facts of a case, where it has any: its team, the case it was merged into."""

    __tablename__ = "case_desk"
    __table_args__ = (UniqueConstraint("case_id"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("desk_team.id"))
    merged_into_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    # Who to answer when the case came from someone the store does not know as a customer (a mail, a
    # visitor's web form, a caller), and in which language.
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    lang: Mapped[str] = mapped_column(String(10), nullable=False, default="zh")


class CaseFollower(IdPk, StoreScoped, Created, Base):
    """Staff who follow a case they do not own: the first owner after a transfer (首问负责制)."""

    __tablename__ = "case_follower"
    __table_args__ = (UniqueConstraint("case_id", "user_id"), Index("ix_case_follower_user", "user_id"))

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    reason: Mapped[str] = mapped_column(String(20), nullable=False, default="first_owner")


class DeskMessage(IdPk, StoreScoped, Created, Base):
    """One message of a case's conversation: in from the customer, out to them, or an internal note."""

    __tablename__ = "desk_message"
    __table_args__ = (
        Index("ix_desk_message_case", "case_id", "id"),
        UniqueConstraint("store_id", "mail_id"),
    )

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    direction: Mapped[str] = mapped_column(String(4), nullable=False)  # in | out | note
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    author: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    subject: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    mail_id: Mapped[str | None] = mapped_column(String(300))  # the email's Message-ID, for threading
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, nullable=False, default=list)


class CannedReply(IdPk, Created, Base):
    """话术: a scripted reply with variables; a store's own, or shared by every store (no store)."""

    __tablename__ = "canned_reply"
    __table_args__ = (Index("ix_canned_reply_store_folder", "store_id", "folder"),)

    store_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("store.id"))
    folder: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    uses: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class KbArticle(IdPk, StoreScoped, Created, Base):
    """A known problem and its solution (问题统计); each edit is a new version."""

    __tablename__ = "kb_article"

    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    tags: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class KbArticleVersion(IdPk, StoreScoped, Created, Base):
    __tablename__ = "kb_article_version"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("kb_article.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    tags: Mapped[list[str]] = mapped_column(PortableJSON, nullable=False, default=list)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False)
    author: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class SearchDoc(IdPk, StoreScoped, Base):
    """The search index's documents: articles, case subjects and messages, their text segmented
    into words separated by spaces (desk/segment.py). SQLite indexes `terms` in the FTS5 table
    `search_fts` and PostgreSQL in a GIN index over its lexemes (the migration makes both)."""

    __tablename__ = "search_doc"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # article | case | message
    ref_id: Mapped[int] = mapped_column(BigId, nullable=False)
    case_id: Mapped[int | None] = mapped_column(BigId)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    terms: Mapped[str] = mapped_column(Text, nullable=False)


class OutboundMessage(IdPk, StoreScoped, Created, Base):
    """A message to a customer or a member of staff (email, SMS, WeChat), written with the change that
    causes it and sent after commit by a worker job, retried."""

    __tablename__ = "desk_outbound"
    __table_args__ = (
        Index("ix_desk_outbound_due", "next_attempt_at", "id", sqlite_where=text("state = 'pending'"),
              postgresql_where=text("state = 'pending'")),
    )

    case_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("cases.id"))
    channel: Mapped[str] = mapped_column(String(10), nullable=False)  # email | sms | wechat
    recipient: Mapped[str] = mapped_column(String(200), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)
    mail_id: Mapped[str | None] = mapped_column(String(300))
    in_reply_to: Mapped[str | None] = mapped_column(String(300))
    automatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # an acknowledgement
    lang: Mapped[str] = mapped_column(String(10), nullable=False, default="zh")
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")  # sent | dead
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FormThrottle(Base):
    """How many web-form requests came from one address in the current window (visitors' form)."""

    __tablename__ = "desk_form_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DeskPresence(IdPk, StoreScoped, Base):
    """Who has a case open in the inbox and since when they last typed a reply: another agent
    opening it is told (collision notice). One row per case and person, overwritten."""

    __tablename__ = "desk_presence"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    case_id: Mapped[int] = mapped_column(BigId, ForeignKey("cases.id"), nullable=False)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("user_account.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False)  # viewing | replying
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
