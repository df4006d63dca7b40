"""派工: technicians' skills, areas and hours; who is free when; who suits a job best.

A dispatch overlapping another appointment of the same technician answers 409
`technician_busy`; one outside the technician's skills or working hours 422
`technician_unsuitable`. Suggestions rank by skill, area, free time and load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shouhou.accounts import service as accounts
from shouhou.engine.context import Ctx
from shouhou.errors import Conflict, Invalid, forbidden
from shouhou.fields import local_iso
from shouhou.models import Case, Store, User
from shouhou.models.repairs import RepairDetail, Technician
from shouhou.repairs import outlets
from shouhou.repairs import repository as repo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MANAGERS = frozenset({"supervisor", "admin"})
VIEWERS = frozenset({"supervisor", "admin", "agent", "technician"})


def check_hours(hours: dict[str, Any]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for day, spans in hours.items():
        if day not in DAYS or not isinstance(spans, list):
            raise Invalid("invalid_hours", en="hours are per weekday (mon…sun): lists of [start, end]",
                          zh="工作时间按星期（mon…sun）填写，每段为 [开始，结束]", day=day)
        clean = []
        for span in spans:
            if (not isinstance(span, list | tuple) or len(span) != 2 or not all(isinstance(x, str) and _HHMM.match(x)
                                                                              for x in span) or span[0] >= span[1]):
                raise Invalid("invalid_hours", en="{day}: each span is [\"HH:MM\", \"HH:MM\"], start before end",
                              zh="{day}：每段须为 [\"HH:MM\", \"HH:MM\"]，开始早于结束", day=day)
            clean.append([span[0], span[1]])
        out[day] = sorted(clean)
    return out


def put_profile(ctx: Ctx, username: str, store_code: str | None, body: dict[str, Any]) -> Technician:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & MANAGERS:
        raise forbidden("technician.write", store=store.code)
    user = accounts.find_staff(ctx, username, store.id, frozenset({"technician"}))
    unknown = sorted(set(body) - {"skills", "areas", "hours", "active", "outlet"})
    if unknown:
        raise Invalid("unknown_field", en="Unknown fields {fields}", zh="未知字段 {fields}", fields=unknown)
    row = repo.technician(ctx.session, store.id, user.id)
    if row is None:
        row = Technician(store_id=store.id, user_id=user.id, skills=[], areas=[], hours={}, active=True)
        ctx.session.add(row)
    if "skills" in body:
        row.skills = _strings(body["skills"], "skills")
    if "areas" in body:
        row.areas = _strings(body["areas"], "areas")
    if "hours" in body:
        if not isinstance(body["hours"], dict):
            raise Invalid("invalid_hours", en="hours is an object by weekday", zh="hours 须为按星期的对象")
        row.hours = check_hours(body["hours"])
    if "active" in body:
        row.active = bool(body["active"])
    if "outlet" in body:
        row.outlet_id = outlets.outlet_id(ctx, store.id, body["outlet"]) if body["outlet"] else None
    row.updated_at = ctx.clock.now()
    ctx.session.flush()
    return row


def _strings(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("invalid_list", en="{field} is a list of strings", zh="{field} 须为字符串列表", field=field)
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def profile(ctx: Ctx, store_id: int, user_id: int) -> Technician | None:
    return repo.technician(ctx.session, store_id, user_id)


def profile_document(ctx: Ctx, row: Technician | None, user: User, store: Store) -> dict[str, Any]:
    return {"user": user.username, "name": user.display_name, "store": store.code,
            "skills": row.skills if row else [], "areas": row.areas if row else [],
            "hours": row.hours if row else {}, "active": row.active if row else True,
            "outlet_id": row.outlet_id if row else None, "location": f"van:{user.username}"}


@dataclass(frozen=True)
class Fit:
    skill: bool
    hours: bool
    outlet: bool

    @property
    def suitable(self) -> bool:
        return self.skill and self.hours and self.outlet


def within_hours(row: Technician | None, start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    if row is None or not row.hours:
        return True  # no hours recorded: any time
    s, e = start.astimezone(tz), end.astimezone(tz)
    if s.date() != e.date() and not (e.time() == time(0, 0) and e.date() == s.date() + timedelta(days=1)):
        return False
    spans = row.hours.get(DAYS[s.weekday()], [])
    end_text = "24:00" if e.date() != s.date() else e.strftime("%H:%M")
    return any(a <= s.strftime("%H:%M") and end_text <= b for a, b in spans)


def fit(row: Technician | None, category: str, start: datetime, end: datetime, tz: ZoneInfo,
        outlet_id: int | None = None) -> Fit:
    skill = row is None or not row.skills or not category or category in row.skills
    outlet = outlet_id is None or (row is not None and row.outlet_id == outlet_id)
    return Fit(skill, within_hours(row, start, end, tz), outlet)


def check(ctx: Ctx, case: Case, d: RepairDetail, username: str, start: datetime, end: datetime) -> User:
    """The technician, if they may take this job in this window; refuses otherwise (writes nothing)."""
    user = accounts.find_staff(ctx, username, case.store_id, frozenset({"technician"}))
    tz = ZoneInfo(ctx.session.get_one(Store, case.store_id).timezone)
    row = profile(ctx, case.store_id, user.id)
    if row is not None and not row.active:
        raise Invalid("technician_unsuitable", en="{user} is not active", zh="技术员 {user} 已停用", user=username,
                      why="inactive")
    f = fit(row, d.category, start, end, tz, d.outlet_id)
    if not f.suitable:
        why = "skill" if not f.skill else "hours" if not f.hours else "outlet"
        raise Invalid("technician_unsuitable",
                      en="{user} cannot take this job: {why_en}", zh="技术员 {user} 不适合该工单：{why_zh}",
                      user=username, why=why, category=d.category,
                      why_en={"skill": f"no skill for {d.category}", "hours": "outside working hours",
                              "outlet": "not of the outlet the case is assigned to"}[why],
                      why_zh={"skill": f"不具备「{d.category}」技能", "hours": "不在工作时间内",
                              "outlet": "不属于该工单所派的服务网点"}[why])
    busy = repo.appointments(ctx.session, user.id, start, end, exclude_case_id=case.id)
    if busy:
        other_d, other = busy[0]
        raise Conflict("technician_busy", en="{user} has another appointment then ({case})",
                       zh="技术员 {user} 该时段已有预约（{case}）", user=username, case=other.no,
                       start=local_iso(other_d.window_start, tz), end=local_iso(other_d.window_end, tz))
    return user


def suggestions(ctx: Ctx, case: Case, d: RepairDetail, start: datetime | None, end: datetime | None) -> dict[str, Any]:
    """Every active technician of the store, best first: suitable and free, skilled, in the area, least loaded."""
    store = ctx.session.get_one(Store, case.store_id)
    tz = ZoneInfo(store.timezone)
    if start is None or end is None:
        start, end = default_window(ctx, d, tz)
    if end <= start:
        raise Invalid("invalid_window", en="end must be after start", zh="结束时间须晚于开始时间")
    rows = repo.technicians(ctx.session, store.id)
    loads = repo.open_load(ctx.session, [u.id for _, u in rows])
    out = []
    for row, user in rows:
        f = fit(row, d.category, start, end, tz, d.outlet_id)
        busy = repo.appointments(ctx.session, user.id, start, end, exclude_case_id=case.id)
        area = bool(d.district) and d.district in (row.areas or [])
        out.append({"technician": user.username, "name": user.display_name, "suitable": f.suitable and not busy,
                    "skill": f.skill, "within_hours": f.hours, "outlet": f.outlet, "free": not busy,
                    "area": area, "load": loads.get(user.id, 0),
                    "busy_with": [c.no for _, c in busy]})
    out.sort(key=lambda r: (not r["suitable"], not r["skill"], not r["area"], not r["free"], r["load"],
                            r["technician"]))
    for rank, r in enumerate(out, start=1):
        r["rank"] = rank
    return {"case": case.no, "window": {"start": local_iso(start, tz), "end": local_iso(end, tz)}, "items": out}


def default_window(ctx: Ctx, d: RepairDetail, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The customer's preferred time, else tomorrow 09:00–11:00 local."""
    if d.preferred_start and d.preferred_end:
        return d.preferred_start, d.preferred_end
    tomorrow = ctx.clock.now().astimezone(tz).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(9, 0), tzinfo=tz)
    return start, start + timedelta(hours=2)


def schedule(ctx: Ctx, username: str, store_code: str | None, day: date | None) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, store_code)
    if not ctx.actor.roles_in(store.id) & VIEWERS:
        raise forbidden("technician.read", store=store.code)
    user = accounts.find_staff(ctx, username, store.id, frozenset({"technician"}))
    tz = ZoneInfo(store.timezone)
    day = day or ctx.clock.now().astimezone(tz).date()
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    jobs = repo.appointments(ctx.session, user.id, start, start + timedelta(days=1))
    row = profile(ctx, store.id, user.id)
    return {"technician": user.username, "date": day.isoformat(),
            "hours": (row.hours.get(DAYS[day.weekday()], []) if row and row.hours else None),
            "items": [{"case": c.no, "type": c.type, "status": c.status, "version": c.version,
                       "start": local_iso(dd.window_start, tz),
                       "end": local_iso(dd.window_end, tz), "contact": dd.contact_name, "phone": dd.contact_phone,
                       "address": dd.address, "district": dd.district, "model": dd.model, "fault": dd.fault}
                      for dd, c in jobs]}
