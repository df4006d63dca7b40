"""Teams (queues) and routing: a new case goes to the team of the first rule it matches, and to one of
its members — in turn (round robin) or whoever has the fewest open cases — who has the skill the
rule asks for."""

from __future__ import annotations

from typing import Any

from shouhou.accounts import service as accounts
from shouhou.desk import repository as repo
from shouhou.desk.schemas import RoutingRuleIn, TeamIn
from shouhou.engine.context import Ctx
from shouhou.engine.permissions import STAFF, require
from shouhou.errors import Invalid
from shouhou.models import Case
from shouhou.models.desk import CaseDesk, RoutingRule, Team, TeamMember


def matches(rule: dict[str, Any], case: Case, tier: str | None) -> bool:
    def among(key: str, value: str | None) -> bool:
        wanted = rule.get(key) or []
        return not wanted or (value or "") in wanted

    text = f"{case.subject}\n{case.description}".lower()
    keywords = [k.lower() for k in rule.get("keywords") or []]
    return (among("case_types", case.type) and among("channels", case.channel) and among("tiers", tier)
            and among("priorities", case.priority) and (not keywords or any(k in text for k in keywords)))


def route_new(ctx: Ctx, case: Case) -> None:
    store = repo.store(ctx.session, case.store_id)
    rules = accounts.store_cached(store, "desk.routing", lambda: [
        (r.team_id, r.data) for r in repo.routing_rules(ctx.session, case.store_id)])
    if not rules:
        return
    tier = repo.customer_tier(ctx.session, case.customer_id)
    rule = next((r for r in rules if matches(r[1], case, tier)), None)
    if rule is None:
        return
    team_id, data = rule
    team = ctx.session.get_one(Team, team_id)
    repo.add_case_desk(ctx.session, CaseDesk(store_id=case.store_id, case_id=case.id, team_id=team.id))
    if case.assignee_id is None:
        case.assignee_id = pick(ctx, team, data.get("skill"), case.store_id)


def pick(ctx: Ctx, team: Team, skill: str | None, store_id: int) -> int | None:
    members = [m for m in repo.team_members(ctx.session, [team.id]) if m.active and (not skill or skill in m.skills)]
    if not members:
        return None
    ids = [m.user_id for m in members]
    if team.strategy == "least_open":
        counts = repo.open_counts(ctx.session, ids, store_id)
        chosen = min(ids, key=lambda u: (counts.get(u, 0), ids.index(u)))
    else:  # round robin: the member after the last one given a case
        after = ids.index(team.last_assigned_id) + 1 if team.last_assigned_id in ids else 0
        chosen = ids[after % len(ids)]
    team.last_assigned_id = chosen
    return chosen


# -- configuration ----------------------------------------------------------------------------


def teams_document(ctx: Ctx, code: str) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.read", store.id)
    teams = repo.teams(ctx.session, store.id)
    members = repo.team_members(ctx.session, [t.id for t in teams])
    users = repo.users_named(ctx.session, [m.user_id for m in members] + [t.supervisor_id for t in teams])
    return {"store": store.code, "items": [{
        "code": t.code, "name": t.name, "strategy": t.strategy,
        "supervisor": users[t.supervisor_id].username if t.supervisor_id in users else None,
        "members": [{"user": users[m.user_id].username, "skills": m.skills, "active": m.active}
                    for m in members if m.team_id == t.id]} for t in teams]}


def put_teams(ctx: Ctx, code: str, body: list[TeamIn]) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.admin", store.id)
    existing = {t.code: t for t in repo.teams(ctx.session, store.id)}
    if len({t.code for t in body}) != len(body):
        raise Invalid("duplicate_team", en="Each team code once", zh="客服组代码重复")
    for spec in body:
        team = existing.pop(spec.code, None)
        if team is None:
            team = Team(store_id=store.id, code=spec.code)
            ctx.session.add(team)
        team.name, team.strategy = spec.name, spec.strategy
        team.supervisor_id = (accounts.find_staff(ctx, spec.supervisor, store.id, frozenset({"supervisor", "admin"})).id
                              if spec.supervisor else None)
        ctx.session.flush()
        current = {m.user_id: m for m in repo.team_members(ctx.session, [team.id])}
        for member in spec.members:
            user = accounts.find_staff(ctx, member.user, store.id, STAFF)
            row = current.pop(user.id, None)
            if row is None:
                row = TeamMember(store_id=store.id, team_id=team.id, user_id=user.id)
                ctx.session.add(row)
            row.skills, row.active = list(member.skills), member.active
        for row in current.values():
            row.active = False  # kept: cases routed by it still name the team
    for team in existing.values():
        for row in repo.team_members(ctx.session, [team.id]):
            row.active = False
    ctx.session.flush()
    return teams_document(ctx, code)


def rules_document(ctx: Ctx, code: str) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.read", store.id)
    teams = {t.id: t.code for t in repo.teams(ctx.session, store.id)}
    return {"store": store.code, "items": [{"team": teams.get(r.team_id), **r.data}
                                           for r in repo.routing_rules(ctx.session, store.id)]}


def put_rules(ctx: Ctx, code: str, body: list[RoutingRuleIn]) -> dict[str, Any]:
    store = accounts.store_for_caller(ctx, code)
    require(ctx.actor, "store.admin", store.id)
    teams = {t.code: t for t in repo.teams(ctx.session, store.id)}
    for rule in body:
        if rule.team not in teams:
            raise Invalid("unknown_team", en="No team {team} in this store", zh="本店铺没有客服组 {team}",
                          team=rule.team)
    for row in repo.routing_rules(ctx.session, store.id):
        ctx.session.delete(row)
    ctx.session.flush()
    for i, rule in enumerate(body):
        data = rule.model_dump(mode="json", exclude={"team"})
        ctx.session.add(RoutingRule(store_id=store.id, position=i, team_id=teams[rule.team].id, data=data))
    accounts.store_config_changed(store)  # new cases read the rules afresh
    ctx.session.flush()
    return rules_document(ctx, code)
