"""What the desk's endpoints take and answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shouhou import fields
from shouhou.fields import FilledIdent, FilledLine, FilledText, Ident, Instant, Integer, Line, Text, TimeText, whole

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HourPair = Annotated[list[Annotated[str, Field(pattern=r"^\d{1,2}:\d\d$")]], Field(min_length=2, max_length=2)]
Hours = Annotated[list[HourPair], Field(max_length=12)]
JsonDate = fields.Day  # ISO text, never a number (lax parsing would take it for a Unix time)


class Strict_(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# -- business hours ---------------------------------------------------------------------------

class HoursException(Strict_):
    date: JsonDate
    hours: Hours = Field(default_factory=list, description="[] closes the day")


class BusinessHoursIn(Strict_):
    timezone: Ident = Field(default="Asia/Shanghai", max_length=64)
    weekdays: dict[Day, Hours] = Field(description="a day left out is closed",
                                       examples=[{"mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sun": []}])
    exceptions: list[HoursException] = Field(default_factory=list, max_length=1000)


class BusinessHoursOut(BaseModel):
    store: str
    timezone: str
    default: bool = Field(description="the store has not set its hours: Mon–Fri 09:00–12:00, 13:00–18:00")
    weekdays: dict[str, list[list[str]]]
    exceptions: list[dict[str, Any]]


class BusinessTimeIn(Strict_):
    start: Instant
    minutes: Integer = Field(ge=0, le=366 * 24 * 60)
    business: bool = Field(default=True, description="false: calendar minutes")


class BusinessTimeOut(BaseModel):
    due_at: TimeText


# -- service levels ---------------------------------------------------------------------------

TargetName = Literal["first_response", "next_response", "resolution"]


class TargetIn(Strict_):
    minutes: Integer = Field(ge=1, le=366 * 24 * 60)
    business: bool = True


class EscalationIn(Strict_):
    at: Literal["warning", "breach"]
    target: TargetName | None = Field(default=None, description="null: any target")
    action: Literal["notify", "raise_priority", "reassign"]
    to: Ident | None = Field(default=None, max_length=100,
                           description="notify/reassign: 'assignee', 'supervisor', 'first_owner' or a user name")


class SlaPolicyIn(Strict_):
    name: FilledLine = Field(min_length=1, max_length=100)
    case_types: list[FilledIdent] = Field(default_factory=list, max_length=50)
    tiers: list[FilledIdent] = Field(default_factory=list, max_length=50)
    priorities: list[Literal["low", "normal", "high", "urgent"]] = Field(default_factory=list)
    targets: dict[TargetName, TargetIn]
    escalation: list[EscalationIn] = Field(default_factory=list, max_length=20)
    pause_on: list[Literal["customer", "third_party"]] = Field(
        default=["customer", "third_party"], description="whom a case may wait on with its clock stopped")


class SlaPolicyOut(BaseModel):
    name: str
    case_types: list[str]
    tiers: list[str]
    priorities: list[str]
    targets: dict[str, dict[str, Any]]
    escalation: list[dict[str, Any]]
    pause_on: list[str]


class SlaPolicies(BaseModel):
    store: str
    default: bool = Field(description="the store has not set its own: the seeds' targets")
    items: list[SlaPolicyOut]


class SlaEntry(BaseModel):
    target: str = Field(examples=["first_response", "next_response", "resolution"])
    due_at: TimeText | None
    status: str = Field(examples=["running", "paused", "met", "breached"])
    elapsed_business_seconds: int = Field(description="on the target's clock: business seconds, or calendar "
                                                      "seconds for a target in calendar time; pauses excluded")
    policy: str
    minutes: int
    business: bool


class SlaPart(BaseModel):
    """What the desk adds to every case's document."""

    sla: list[SlaEntry]


# -- teams and routing ------------------------------------------------------------------------

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
Words = Annotated[list[Annotated[FilledLine, Field(min_length=1, max_length=100)]], Field(max_length=50)]


class MemberIn(Strict_):
    user: FilledIdent = Field(min_length=1, max_length=100)
    skills: Words = Field(default_factory=list)
    active: bool = True


class TeamIn(Strict_):
    code: Code
    name: FilledLine = Field(min_length=1, max_length=100)
    strategy: Literal["round_robin", "least_open"] = "round_robin"
    supervisor: Ident | None = Field(default=None, max_length=100)
    members: list[MemberIn] = Field(default_factory=list, max_length=500)


class TeamsOut(BaseModel):
    store: str
    items: list[dict[str, Any]]


class RoutingRuleIn(Strict_):
    team: Code
    case_types: Words = Field(default_factory=list)
    channels: Words = Field(default_factory=list)
    tiers: Words = Field(default_factory=list)
    priorities: Words = Field(default_factory=list)
    keywords: Words = Field(default_factory=list, description="any of them in the subject or description")
    skill: Line | None = Field(default=None, max_length=100, description="only members with this skill")


class RoutingRulesOut(BaseModel):
    store: str
    items: list[dict[str, Any]]


class DeskPart(BaseModel):
    """What the desk adds to every case's document."""

    sla: list[SlaEntry]
    followers: list[str] = Field(description="staff following the case: the first owner after a transfer")
    merged_into: str | None = Field(description="the case this duplicate was merged into")
    team: str | None


# -- canned replies and the knowledge base ----------------------------------------------------


class CannedReplyIn(Strict_):
    title: FilledLine = Field(min_length=1, max_length=200)
    body: FilledText = Field(min_length=1, max_length=20000,
                      description="may use {{customer_name}}, {{order_no}}, {{case_no}}, {{deadline}}, {{subject}}, "
                                  "{{store_name}}, {{agent_name}}")
    folder: Line = Field(default="", max_length=100)
    store: Ident | None = Field(default=None, max_length=32, description="null: shared by every store (admins of all)")


class CannedReplyOut(BaseModel):
    id: int
    store: str | None
    folder: str
    title: str
    body: str
    uses: int
    variables: list[str]


class CannedReplies(BaseModel):
    items: list[CannedReplyOut]


class RenderIn(Strict_):
    case_no: FilledIdent = Field(min_length=1, max_length=32)


class RenderOut(BaseModel):
    id: int
    case_no: str
    text: str
    uses: int


class ArticleIn(Strict_):
    title: FilledLine = Field(min_length=1, max_length=300)
    body: FilledText = Field(min_length=1, max_length=100000)
    tags: Words = Field(default_factory=list, description="products, categories, fault or reason codes")
    public: bool = Field(default=False, description="shown to buyers in the portal")
    store: Ident | None = Field(default=None, max_length=32)


class ArticleEditIn(ArticleIn):
    version: Annotated[int, Ge(1), Le(2**31 - 1), BeforeValidator(whole)] | None = Field(
        default=None, description="the version the edit started from: if someone saved another since, "
                                  "409 `version_conflict` and nothing changes. Left out: the latest is edited")


class ArticleOut(BaseModel):
    id: int
    title: str
    body: str
    tags: list[str]
    public: bool
    version: int
    updated_at: TimeText
    snippet: str | None = Field(default=None, description="search results: HTML, the text escaped, matches in <mark>")


class ArticleHits(BaseModel):
    q: str
    words: list[str] = Field(description="the words the query was segmented into")
    items: list[ArticleOut]


class CaseHit(BaseModel):
    model_config = ConfigDict(extra="allow")
    no: str
    type: str
    status: str
    subject: str
    matched: str = Field(examples=["case", "message"])
    snippet: str


class CaseHits(BaseModel):
    q: str
    words: list[str]
    items: list[CaseHit]


class CaseArticles(BaseModel):
    items: list[ArticleOut]


class ProblemCount(BaseModel):
    kind: str = Field(examples=["reason", "fault"])
    product: str = Field(description="the SKU (refunds, returns, exchanges) or the model (repairs)")
    code: str
    count: int
    article: dict[str, Any] | None = Field(description="the article tagged with the code: {id, title}")


class ProblemStats(BaseModel):
    store: str
    items: list[ProblemCount]


# -- mail -------------------------------------------------------------------------------------


class SmtpIn(Strict_):
    host: FilledIdent = Field(min_length=1, max_length=200)
    port: Integer = Field(default=25, ge=1, le=65535)
    username: Ident = Field(default="", max_length=200)
    password: str = Field(default="", max_length=500, description="left out: keep the one set before")
    starttls: bool = False


class ImapIn(Strict_):
    host: FilledIdent = Field(min_length=1, max_length=200)
    port: Integer = Field(default=993, ge=1, le=65535)
    username: FilledIdent = Field(min_length=1, max_length=200)
    password: str = Field(default="", max_length=500)
    folder: Line = Field(default="INBOX", max_length=200)
    ssl: bool = Field(default=True, description="IMAP over TLS (port 993); false: plain IMAP")


class MailIn(Strict_):
    address: Ident = Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$",
                         description="the store's service address: mail to it opens cases")
    smtp: SmtpIn | None = None
    imap: ImapIn | None = None


class MailOut(BaseModel):
    store: str
    address: str | None
    smtp: dict[str, Any] | None = Field(description="without the password (password_set says whether one is)")
    imap: dict[str, Any] | None


class CallIn(Strict_):
    store: Ident | None = Field(default=None, max_length=32)
    phone: Ident = Field(min_length=3, max_length=40, description="the caller's number")
    caller: Line = Field(default="", max_length=200)
    subject: FilledLine = Field(min_length=1, max_length=300, description="what they want")
    description: Text = Field(default="", max_length=20000)
    order_no: Ident | None = Field(default=None, max_length=64)
    unit: Ident | None = Field(default=None, max_length=100, description="the unit's serial number, if known")
    called_at: Instant | None = Field(default=None, description="when the call came in; now when left out")
    priority: Literal["low", "normal", "high", "urgent"] = "normal"


class CallerCases(BaseModel):
    phone: str
    items: list[dict[str, Any]] = Field(description="the number's open cases first, then its others (list rows)")
