"""The authorization matrix, generated from the route table: every operation × every caller.

Each route declares who may call it (`openapi_extra=access.<rule>`, shouhou/api/access.py),
published as the operation's `x-access` in the OpenAPI document. This test reads those rules
from `app.openapi()` and sends one sample request per operation (SAMPLES below) as every role
held in the resource's store (S1), in another store only (S2), in every store (a grant with no
store), as another buyer of S1, as a signed-in user without grants and anonymously, and holds
each answer to the rule:

* allowed — neither 401, 403 nor 404 (nor any 5xx);
* refused — 403 or 404, and 404 whenever the caller holds no role in the resource's store (or is
  a buyer asking about another buyer's order or case): what a caller may not see does not exist;
* anonymous — 401, except for PUBLIC routes (and OPERATOR ones, answered alike for everyone);
* SCOPED — allowed for every signed-in caller, and a caller outside S1 finds none of S1's
  identifiers in the answer (another buyer none of the buyer's case numbers).

An operation without a rule or without a sample fails by name. The world is built once per
database; samples are idempotent, or create what they consume per attempt (`make`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from shouhou.accounts import service as accounts
from shouhou.api import access
from shouhou.config import Settings
from shouhou.engine.registry import workflow_for
from shouhou.errors import Conflict
from shouhou.models import ROLES, Refund, User
from shouhou.models.repairs import Signature
from shouhou.parts import service as parts
from shouhou.repairs import dispatch, outlets
from shouhou.repairs.settings import DEFAULT_FAULT_CODES
from shouhou.returns import reasons
from shouhou.units import service as units
from shouhou.units.schemas import ContractIn, UnitIn
from shouhou.webhooks import service as webhooks
from tests.builders import World, auth, order_doc
from tests.desk.matrix import samples as desk_samples
from tests.engine.factories import CASE_FACTORIES, SIGNED, _pending_refund
from tests.repairs.helpers import WEEKDAYS, png, unit_body

ORDER = "T20261101001"  # the buyer's order in S1
ORDER_DOC = {"signed_at": SIGNED, "shipped_at": SIGNED - timedelta(days=1)}
PUBLIC_ADDRESS = "https://93.184.216.34/hook"  # a global address: no DNS lookup, not an internal one


# -- who calls --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    label: str
    role: str | None
    scope: str  # own | other | everywhere | another_buyer | none | anonymous
    user: str | None


def callers() -> list[Caller]:
    out = []
    for role in ROLES:
        out.append(Caller(f"{role} of the store", role, "own", "buyer" if role == "customer" else f"{role}-S1"))
        out.append(Caller(f"{role} of another store", role, "other",
                          "buyer-S2" if role == "customer" else f"{role}-S2"))
        if role not in ("customer", "integration"):  # these belong to one store
            out.append(Caller(f"{role} of every store", role, "everywhere", f"{role}-all"))
    return [*out, Caller("another buyer of the store", "customer", "another_buyer", "other-buyer"),
            Caller("a user without grants", None, "none", "nobody"),
            Caller("anonymous", None, "anonymous", None)]


CALLERS = callers()
OUTSIDERS = ("other", "none")


# -- the world --------------------------------------------------------------------------------

@dataclass
class Seed:
    """What the samples refer to, built once per database."""

    world: World
    consultation: str = ""  # the buyer's consultation in S1
    returns: list[str] = field(default_factory=list)  # the buyer's return cases in S1
    webhook: int = 0
    repair: Any = None  # the buyer's repair case in S1, scheduled for technician-S1
    signature: int = 0  # the buyer's signature on it
    markers: set[str] = field(default_factory=set)  # S1's identifiers: no outsider may see one
    buyers: set[str] = field(default_factory=set)  # the buyer's identifiers: another buyer sees none

    def token(self, caller: Caller) -> str | None:
        return self.world.tokens[caller.user] if caller.user else None

    def fresh_case(self, status: str) -> Any:
        """A new return of the buyer's in S1, in `status` (a new order each time)."""
        return CASE_FACTORIES["return_refund"](self.world, status)

    def fresh_repair(self, status: str) -> Any:
        """A new repair of the buyer's in S1, in `status` (technician-S1's once dispatched)."""
        return CASE_FACTORIES["repair"](self.world, status)


def build(world: World) -> Seed:
    world.store("S1", return_contact="售后仓", return_phone="021-1", return_address="上海仓")
    world.store("S2", "别的店铺")
    for role in ROLES:
        if role == "customer":
            continue
        world.user(f"{role}-S1", role, "S1")
        world.user(f"{role}-S2", role, "S2")
        if role != "integration":
            world.user(f"{role}-all", role, None)
    world.user("buyer", "customer", "S1", customer="u1001")
    world.user("other-buyer", "customer", "S1", customer="u1002")
    world.user("buyer-S2", "customer", "S2", customer="u2001")
    with world.db.session() as s:  # signed in, holding no role anywhere
        s.add(User(username="nobody", display_name="nobody", created_at=world.clock.now()))
    with world.ctx() as ctx:
        world.tokens["nobody"] = accounts.issue_token(ctx, "nobody")
    world.order(ORDER, **ORDER_DOC)
    world.order("T20261101002", store="S2", customer="u2001")
    seed = Seed(world)
    seed.consultation = world.consultation("agent-S1", order_no=ORDER)
    world.consultation("agent-S2", store="S2", customer="u2001")  # S2 has cases of its own
    seed.returns = [seed.fresh_case(status).no for status in ("pending_review", "pending_refund")]
    with world.ctx() as ctx:
        reasons.upsert(ctx, "S1", "matrix_edit", label_zh="矩阵", label_en="Matrix", case_types=[],
                       ground="none", create=True)
        seed.webhook = webhooks.add_endpoint(ctx, "S1", PUBLIC_ADDRESS, [])[0].id
    build_repairs(seed)
    seed.buyers = {seed.consultation, *seed.returns, UNIT, CONTRACT, seed.repair.no}
    seed.markers = {"S1", ORDER, *seed.buyers}
    return seed


UNIT, CONTRACT, PART, MAKER = "M-WM-1", "HT-M1", "M-PUMP", "海尔"


def build_repairs(seed: Seed) -> None:
    """The buyer's unit under a contract, a part in stock, technician-S1's profile, and a scheduled
    repair with the buyer's signature (its factory also gives S1 the outlet OUT1); S2 has a unit too."""
    world = seed.world
    with world.ctx() as ctx:
        units.create(ctx, UnitIn.model_validate(unit_body(UNIT)))
        units.create(ctx, UnitIn.model_validate(unit_body("M-WM-2", customer="u2001") | {"store": "S2"}))
        units.create_contract(ctx, ContractIn.model_validate({
            "store": "S1", "no": CONTRACT, "customer": "u1001", "serials": [UNIT], "starts_on": "2026-11-01",
            "ends_on": "2027-10-31", "visits": {"every_months": 6}}))
        part = parts.create_part(ctx, "S1", sku=PART, name="排水泵", price=12000, cost=6000, reorder_point=1,
                                 models=["WM-10KG"], maker=MAKER)
        parts.record_movement(ctx, part, location="central", qty=100_000, kind="receipt")
        dispatch.put_profile(ctx, "technician-S1", "S1", {"skills": ["appliance"], "areas": ["浦东新区"],
                                                           "hours": WEEKDAYS})
    seed.repair = seed.fresh_repair("scheduled")
    image = png()
    with world.db.session() as s:
        row = Signature(store_id=seed.repair.store_id, case_id=seed.repair.id, purpose="onsite", png=image,
                        sha256=hashlib.sha256(image).hexdigest(), signed_at=world.clock.now(), signer="张三")
        s.add(row)
        s.flush()
        seed.signature = row.id


# -- one sample request per operation ---------------------------------------------------------

@dataclass(frozen=True)
class Call:
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


@dataclass(frozen=True)
class Sample:
    make: Callable[[Seed], Call]  # called for every attempt: may create what the attempt consumes
    workflow: tuple[str, str] | None = None  # WORKFLOW rules: (case type, action) whose roles decide
    # The status an answer stands for, where the answer is not its status (a batch: its item's).
    outcome: Callable[[Any], int] | None = None


def _refund(seed: Seed) -> Call:
    case = seed.fresh_case("refunding")
    with seed.world.db.session() as s:
        _pending_refund(s, case)
        s.flush()
        refund_id = s.scalars(select(Refund.id).where(Refund.case_id == case.id)).one()
    return Call(path={"refund_id": refund_id}, body={"status": "succeeded", "gateway_ref": "R1"})


def _batch(seed: Seed) -> Call:
    case = seed.fresh_case("pending_refund")
    return Call(body={"items": [{"no": case.no, "version": case.version}]})


def _item_status(response: Any) -> int:
    """A batch answers 200 with each item's result: the first item's, as a status."""
    if response.status_code != 200:
        return int(response.status_code)
    item = response.json()["results"][0]
    if item["ok"]:
        return 200
    return 403 if item["code"] == "forbidden" else 404 if item["code"].endswith("_not_found") else 409


def _reason_to_delete(seed: Seed) -> Call:
    with seed.world.ctx() as ctx, contextlib.suppress(Conflict):  # still there: a refused attempt left it
        reasons.upsert(ctx, "S1", "matrix_gone", label_zh="删", label_en="Gone", case_types=[], ground="none",
                       create=True)
    return Call(path={"code": "matrix_gone"}, query={"store": "S1"})


def _note(seed: Seed) -> Call:
    version = seed.world.case(seed.consultation).version
    return Call(path={"no": seed.consultation}, body={"action": "note", "version": version, "message": "矩阵"})


def _unit_to_replace(seed: Seed) -> Call:
    serial = f"M-REPL-{next(_numbers)}"
    with seed.world.ctx() as ctx:
        units.create(ctx, UnitIn.model_validate(unit_body(serial)))
    return Call(path={"serial": serial}, query={"store": "S1"}, body={"new_serial": f"{serial}-NEW"})


def _part_request(seed: Seed) -> Call:
    with seed.world.ctx(seed.world.actor("technician-S1")) as ctx:
        row = parts.request_parts(ctx, "S1", sku=PART, qty=1, to_location=None, case_no=None, note=None)
    return Call(path={"request_id": row.id}, body={"note": "矩阵"})


def _old_part(seed: Seed) -> Call:
    """A faulty part of the maker's in the returns bin, to ship back."""
    with seed.world.ctx() as ctx:
        part = parts.find(ctx, PART, "S1")
        parts.to_returns_bin(ctx, part, seed.repair.id, 1, "OLD-1")
    return Call(body={"store": "S1", "maker": MAKER, "carrier": "SF", "tracking_no": "SF-OLD"})


def _month() -> str:
    """A month over by the clock (T0 is in 2026-11), a new one each time: 2026-10, 2026-09, …"""
    n = 2026 * 12 + 9 - next(_numbers)
    return f"{n // 12}-{n % 12 + 1:02d}"


def _statement(seed: Seed) -> Call:
    return Call(path={"code": "OUT1", "month": _month()}, query={"store": "S1"})


def _approved_statement(seed: Seed) -> Call:
    call = _statement(seed)
    with seed.world.ctx() as ctx:
        outlets.approve(ctx, "OUT1", call.path["month"], "S1")
    return Call(path=call.path, query=call.query, body={"ref": "BANK-1"})


def _report(seed: Seed) -> Call:
    case = seed.fresh_repair("scheduled")
    return Call(path={"no": case.no}, body={"report_id": f"matrix-{next(_numbers)}", "version": case.version,
                                            "action": "check_in", "fields": {"geo_note": "门口"}})


_numbers = itertools.count(1)
S1 = {"store": "S1"}
FAULT_CODES = [{"code": c, "label_zh": zh, "label_en": en, "serious": serious}
               for c, zh, en, serious in DEFAULT_FAULT_CODES]
REPAIRS: dict[tuple[str, str], Sample] = {
    ("POST", "/api/v1/units"): Sample(lambda s: Call(body=unit_body(f"M-NEW-{next(_numbers)}"))),
    ("POST", "/api/v1/orders/{order_no}/units"): Sample(lambda s: Call(path={"order_no": ORDER})),
    ("GET", "/api/v1/units"): Sample(lambda s: Call()),
    ("GET", "/api/v1/units/{serial}"): Sample(lambda s: Call(path={"serial": UNIT}, query=S1)),
    ("POST", "/api/v1/units/{serial}/replace"): Sample(_unit_to_replace),
    ("POST", "/api/v1/contracts"): Sample(lambda s: Call(body={
        "store": "S1", "customer": "u1001", "serials": [UNIT], "starts_on": "2026-12-01", "ends_on": "2027-11-30",
        "fee": "480.00", "visits": {"every_months": 6}})),
    ("GET", "/api/v1/contracts"): Sample(lambda s: Call()),
    ("GET", "/api/v1/contracts/{no}"): Sample(lambda s: Call(path={"no": CONTRACT}, query=S1)),
    ("POST", "/api/v1/parts"): Sample(lambda s: Call(body={"store": "S1", "sku": f"M-NEW-{next(_numbers)}",
                                                           "name": "门封条"})),
    ("GET", "/api/v1/parts"): Sample(lambda s: Call(query=S1)),
    ("GET", "/api/v1/parts/reorder"): Sample(lambda s: Call(query=S1)),
    ("POST", "/api/v1/parts/requests"): Sample(lambda s: Call(body={"store": "S1", "sku": PART, "qty": 1,
                                                                    "to_location": "van:technician-S1"})),
    ("GET", "/api/v1/parts/requests"): Sample(lambda s: Call(query=S1)),
    ("POST", "/api/v1/parts/requests/{request_id}/approve"): Sample(_part_request),
    ("POST", "/api/v1/parts/requests/{request_id}/reject"): Sample(_part_request),
    ("GET", "/api/v1/parts/returns-bin"): Sample(lambda s: Call(query=S1)),
    ("POST", "/api/v1/parts/returns-bin/ship"): Sample(_old_part),
    ("GET", "/api/v1/parts/{sku}"): Sample(lambda s: Call(path={"sku": PART}, query=S1)),
    ("POST", "/api/v1/parts/{sku}/movements"): Sample(lambda s: Call(path={"sku": PART}, body={
        "store": "S1", "location": "central", "qty": 1, "kind": "transfer", "to_location": "van:technician-S1"})),
    ("GET", "/api/v1/parts/{sku}/movements"): Sample(lambda s: Call(path={"sku": PART}, query=S1)),
    ("GET", "/api/v1/cases/{no}/technician-suggestions"): Sample(lambda s: Call(path={"no": s.repair.no})),
    ("GET", "/api/v1/cases/{no}/signatures/{signature_id}"): Sample(
        lambda s: Call(path={"no": s.repair.no, "signature_id": s.signature})),
    ("GET", "/api/v1/repairs/registrations"): Sample(lambda s: Call(query=S1)),
    ("PUT", "/api/v1/technicians/{user}"): Sample(lambda s: Call(path={"user": "technician-S1"}, query=S1, body={
        "skills": ["appliance"], "areas": ["浦东新区"], "hours": WEEKDAYS})),
    ("GET", "/api/v1/technicians"): Sample(lambda s: Call(query=S1)),
    ("GET", "/api/v1/technicians/{user}"): Sample(lambda s: Call(path={"user": "technician-S1"}, query=S1)),
    ("GET", "/api/v1/technicians/{user}/schedule"): Sample(lambda s: Call(path={"user": "technician-S1"},
                                                                          query={**S1, "date": "2026-11-25"})),
    ("GET", "/api/v1/workshop/register"): Sample(lambda s: Call(query=S1)),
    ("GET", "/api/v1/stores/{code}/price-list"): Sample(lambda s: Call(path={"code": "S1"})),
    ("PUT", "/api/v1/stores/{code}/price-list"): Sample(lambda s: Call(path={"code": "S1"},
                                                                       body={"hourly_rate": "80.00"})),
    ("GET", "/api/v1/stores/{code}/fault-codes"): Sample(lambda s: Call(path={"code": "S1"})),
    ("PUT", "/api/v1/stores/{code}/fault-codes"): Sample(lambda s: Call(path={"code": "S1"}, body=FAULT_CODES)),
    ("POST", "/api/v1/work-logs"): Sample(lambda s: Call(body={"store": "S1", "kind": "training", "minutes": 30})),
    ("GET", "/api/v1/work-logs"): Sample(lambda s: Call(query=S1)),
    ("POST", "/api/v1/outlets"): Sample(lambda s: Call(query=S1, body={"code": f"M-OUT-{next(_numbers)}",
                                                                       "job_fees": {"repair": "80.00"}})),
    ("GET", "/api/v1/outlets"): Sample(lambda s: Call(query=S1)),
    ("GET", "/api/v1/outlets/{code}/statements/{month}"): Sample(lambda s: Call(
        path={"code": "OUT1", "month": "2026-11"}, query=S1)),
    ("POST", "/api/v1/outlets/{code}/statements/{month}/approve"): Sample(_statement),
    ("POST", "/api/v1/outlets/{code}/statements/{month}/pay"): Sample(_approved_statement),
    ("GET", "/api/v1/warranty-claims"): Sample(lambda s: Call(query={**S1, "month": "2026-11"})),
    ("GET", "/api/v1/repairs/kpi"): Sample(lambda s: Call(query=S1)),
    ("GET", "/api/v1/complaints/accountability"): Sample(lambda s: Call(query={**S1, "month": "2026-11"})),
    ("GET", "/api/v1/complaints/analysis"): Sample(lambda s: Call(query={**S1, "month": "2026-11"})),
    ("GET", "/api/v1/reviews/register"): Sample(lambda s: Call(query={**S1, "month": "2026-11"})),
    ("GET", "/api/v1/logistics/register"): Sample(lambda s: Call(query={**S1, "month": "2026-11"})),
    ("POST", "/api/v1/cases/{no}/reports"): Sample(_report, workflow=("repair", "check_in")),
}

REASON = {"store": "S1", "label_zh": "矩阵", "label_en": "Matrix"}
SAMPLES: dict[tuple[str, str], Sample] = {
    ("GET", "/healthz"): Sample(lambda s: Call()),
    ("GET", "/metrics"): Sample(lambda s: Call()),
    ("GET", "/api/v1/me"): Sample(lambda s: Call()),
    ("GET", "/api/v1/stores"): Sample(lambda s: Call()),
    ("POST", "/api/v1/cases"): Sample(
        lambda s: Call(body={"type": "consultation", "order_no": ORDER, "subject": "矩阵", "channel": "api"}),
        workflow=("consultation", "create")),
    ("GET", "/api/v1/cases"): Sample(lambda s: Call()),
    ("GET", "/api/v1/cases/{no}"): Sample(lambda s: Call(path={"no": s.consultation})),
    ("POST", "/api/v1/cases/{no}/transitions"): Sample(_note, workflow=("consultation", "note")),
    ("GET", "/api/v1/cases/{no}/events"): Sample(lambda s: Call(path={"no": s.consultation})),
    ("POST", "/api/v1/orders"): Sample(lambda s: Call(body=_json(order_doc(ORDER, **ORDER_DOC)))),
    ("GET", "/api/v1/orders/{order_no}"): Sample(lambda s: Call(path={"order_no": ORDER})),
    ("GET", "/api/v1/orders/{order_no}/after-sales"): Sample(lambda s: Call(path={"order_no": ORDER})),
    ("POST", "/api/v1/orders/{order_no}/eligibility"): Sample(lambda s: Call(path={"order_no": ORDER}, body={})),
    ("GET", "/api/v1/stores/{code}/policy"): Sample(lambda s: Call(path={"code": "S1"})),
    ("PUT", "/api/v1/stores/{code}/policy"): Sample(lambda s: Call(path={"code": "S1"},
                                                                   body={"exchange_days": 30})),
    ("GET", "/api/v1/stores/{code}/policy/versions"): Sample(lambda s: Call(path={"code": "S1"})),
    ("GET", "/api/v1/calendar/{year}"): Sample(lambda s: Call(path={"year": 2026})),
    ("PUT", "/api/v1/calendar/{year}"): Sample(lambda s: Call(path={"year": 2026}, body=[
        {"day": "2026-12-31", "workday": False, "note": "矩阵"}])),
    ("GET", "/api/v1/reasons"): Sample(lambda s: Call(query={"store": "S1"})),
    ("POST", "/api/v1/reasons"): Sample(lambda s: Call(body={**REASON, "code": "matrix_new"})),
    ("PUT", "/api/v1/reasons/{code}"): Sample(lambda s: Call(path={"code": "matrix_edit"},
                                                             body={**REASON, "code": "matrix_edit"})),
    ("DELETE", "/api/v1/reasons/{code}"): Sample(_reason_to_delete),
    ("POST", "/api/v1/reasons/order"): Sample(lambda s: Call(body={"store": "S1", "codes": ["matrix_edit"]})),
    ("POST", "/api/v1/refunds/{refund_id}/callback"): Sample(_refund, workflow=("return_refund", "confirm_refund")),
    ("GET", "/api/v1/finance/refunds"): Sample(lambda s: Call()),
    ("GET", "/api/v1/finance/insurance-claims"): Sample(lambda s: Call()),
    ("POST", "/api/v1/finance/refunds/approve"): Sample(_batch, workflow=("return_refund", "approve_refund"),
                                                        outcome=_item_status),
    ("GET", "/api/v1/warehouse/lookup"): Sample(lambda s: Call(query={"q": s.returns[0]})),
    ("GET", "/api/v1/warehouse/exceptions"): Sample(lambda s: Call()),
    ("GET", "/api/v1/pickups"): Sample(lambda s: Call()),
    ("GET", "/api/v1/stock-movements"): Sample(lambda s: Call(query={"store": "S1"})),
    ("POST", "/api/v1/webhooks"): Sample(lambda s: Call(body={"store": "S1", "url": PUBLIC_ADDRESS, "topics": []})),
    ("GET", "/api/v1/webhooks"): Sample(lambda s: Call(query={"store": "S1"})),
    ("DELETE", "/api/v1/webhooks/{endpoint_id}"): Sample(lambda s: Call(path={"endpoint_id": s.webhook})),
    ("GET", "/api/v1/webhooks/{endpoint_id}/deliveries"): Sample(lambda s: Call(path={"endpoint_id": s.webhook})),
    **REPAIRS,
}
SAMPLES.update(desk_samples(Sample, Call))  # the service desk's (issue 20), kept beside its tests


def _json(doc: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(doc, default=str))


# -- what the rule says -----------------------------------------------------------------------

ALLOWED, REFUSED, HIDDEN, UNAUTHENTICATED, ALIKE = "allowed", "refused (403|404)", "hidden (404)", "401", "alike"


def expected(rule: dict[str, Any], caller: Caller, sample: Sample) -> str:
    kind = rule["rule"]
    if kind == "operator":
        return ALIKE
    if kind == "public":
        return ALLOWED
    if caller.scope == "anonymous":
        return UNAUTHENTICATED
    if kind in ("signed_in", "scoped"):
        return ALLOWED
    if rule.get("everywhere"):
        return ALLOWED if caller.scope == "everywhere" and caller.role in rule["roles"] else REFUSED
    if caller.scope in OUTSIDERS:
        return HIDDEN
    buyers_own = kind == "workflow" or rule.get("buyer", False)
    if caller.scope == "another_buyer" and buyers_own:
        return HIDDEN
    return ALLOWED if permitted(rule, caller, sample) else REFUSED


def permitted(rule: dict[str, Any], caller: Caller, sample: Sample) -> bool:
    """May this role, in the store (own) or in every store, do it? Worked out from the rule alone."""
    kind, role = rule["rule"], caller.role
    if kind == "in_store":
        return True
    if kind in ("operation", "roles"):
        return role in rule["roles"] or (rule["buyer"] and role == "customer" and caller.scope == "own")
    assert kind == "workflow" and sample.workflow, "a WORKFLOW sample names its (case type, action)"
    case_type, name = sample.workflow
    wf = workflow_for(case_type)
    action = wf.create if name == wf.create.name or name == "create" else wf.action(name)
    assert action is not None, f"{case_type} has no action {name}"
    if role == "customer":  # the buyer, on their own order or case
        return caller.scope == "own" and "customer" in action.roles
    if role == "integration":  # acts for its store's buyers
        return bool(action.roles & {"integration", "customer"})
    return role in action.roles


def judge(want: str, status: int) -> bool:
    if status >= 500:
        return False
    return {ALLOWED: status not in (401, 403, 404), REFUSED: status in (403, 404), HIDDEN: status == 404,
            UNAUTHENTICATED: status == 401}.get(want, True)


def strings(doc: Any) -> set[str]:
    if isinstance(doc, str):
        return {doc}
    if isinstance(doc, dict):
        return set().union(*(strings(v) for v in doc.values())) if doc else set()
    if isinstance(doc, list):
        return set().union(*(strings(v) for v in doc)) if doc else set()
    return set()


# -- the declarations (no database) -----------------------------------------------------------

@functools.cache
def openapi() -> dict[str, Any]:
    return _app().openapi()


@functools.cache
def _app() -> Any:
    from shouhou.app import create_app

    folder = tempfile.mkdtemp(prefix="shouhou-matrix-")
    return create_app(Settings(database_url=f"sqlite:///{folder}/unused.sqlite3", var_dir=folder,
                               secret_key="matrix", log_level="WARNING", tune_collector=False))


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in openapi()["paths"].items()
            for method, op in item.items() if isinstance(op, dict) and "responses" in op]


OPERATIONS = operations()
IDS = [f"{m} {p}" for m, p, _ in OPERATIONS]


class TestDeclarations:
    def test_every_api_route_is_in_the_openapi_document(self):
        routes = [r for r in iter_route_contexts(_app().router.routes) if (r.path or "").startswith("/api/v1/")]
        hidden = [r.path for r in routes if not r.include_in_schema]
        assert hidden == [], "API routes outside the OpenAPI escape the matrix"
        assert len(routes) == sum(1 for _, path, _ in OPERATIONS if path.startswith("/api/v1/"))

    @pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
    def test_every_operation_declares_who_may_call_it(self, operation):
        method, path, op = operation
        assert access.of(op), f"{method} {path}: declare openapi_extra=access.<rule> (shouhou/api/access.py)"

    @pytest.mark.parametrize("operation", OPERATIONS, ids=IDS)
    def test_every_operation_has_a_sample_request(self, operation):
        method, path, op = operation
        assert (method, path) in SAMPLES, f"{method} {path}: add a sample to SAMPLES in {__name__}"
        rule = access.of(op) or {}
        if rule.get("rule") == "workflow":
            assert SAMPLES[method, path].workflow, f"{method} {path}: say which (case type, action) decides"

    def test_every_sample_is_for_an_operation(self):
        assert sorted(set(SAMPLES) - {(m, p) for m, p, _ in OPERATIONS}) == []


class TestTheRules:
    """The matrix's own reading of the rules, on a few cases worked out by hand."""

    OWN_AGENT, OTHER_ADMIN = CALLERS[2], next(c for c in CALLERS if c.label == "admin of another store")
    BUYER = CALLERS[0]
    ANOTHER_BUYER = next(c for c in CALLERS if c.scope == "another_buyer")
    ANONYMOUS = CALLERS[-1]

    def test_it_hides_a_stores_things_from_outsiders_and_another_buyer(self):
        read = access.operation("order.read", buyer=True)["x-access"]
        assert expected(read, self.OTHER_ADMIN, Sample(Call)) == HIDDEN
        assert expected(read, self.ANOTHER_BUYER, Sample(Call)) == HIDDEN
        assert expected(read, self.BUYER, Sample(Call)) == ALLOWED
        assert expected(read, self.ANONYMOUS, Sample(Call)) == UNAUTHENTICATED

    def test_it_refuses_a_role_the_operation_does_not_name(self):
        write = access.operation("policy.write")["x-access"]
        assert (self.OWN_AGENT.role, expected(write, self.OWN_AGENT, Sample(Call))) == ("agent", REFUSED)
        assert not judge(REFUSED, 200) and judge(REFUSED, 403) and judge(REFUSED, 404)
        assert not judge(HIDDEN, 403) and not judge(ALLOWED, 404) and not judge(ALLOWED, 500)

    def test_it_takes_a_workflows_roles_for_the_action_sampled(self):
        rule = access.WORKFLOW["x-access"]
        note = Sample(Call, workflow=("consultation", "note"))
        assert expected(rule, self.OWN_AGENT, note) == ALLOWED
        assert expected(rule, self.BUYER, note) == REFUSED
        assert expected(rule, self.BUYER, Sample(Call, workflow=("consultation", "create"))) == ALLOWED


# -- the matrix -------------------------------------------------------------------------------

class TestMatrix:
    def test_every_operation_answers_every_caller_as_declared(self, world, client):
        # given two stores, a caller of each kind, and the buyer's order and cases in S1
        seed = build(world)
        failures: list[str] = []
        for method, path, op in OPERATIONS:
            # when every caller sends the operation's sample request
            failures += self.run_operation(client, seed, method, path, access.of(op) or {}, SAMPLES[method, path])
        # then every answer is the one its rule declares
        assert not failures, f"{len(failures)} answer(s) against the declarations:\n" + "\n".join(failures)

    def run_operation(self, client, seed: Seed, method: str, path: str, rule: dict[str, Any],
                      sample: Sample) -> list[str]:
        failures, seen = [], {}
        for caller in CALLERS:
            call = sample.make(seed)
            url = path.format(**call.path)
            token = seed.token(caller)
            response = client.request(method, url, params=call.query, json=call.body,
                                      headers=auth(token) if token else {"Accept-Language": "en"})
            status = sample.outcome(response) if sample.outcome else response.status_code
            seen[caller.label] = status
            want = expected(rule, caller, sample)
            where = f"{method} {path} as {caller.label}"
            if not judge(want, status):
                failures.append(f"{where}: expected {want}, got {status} {_code(response)}")
            elif rule["rule"] == "scoped" and status == 200:
                failures += self.leaks(where, caller, seed, response.json())
        if rule["rule"] == "operator" and len(set(seen.values())) > 1:
            failures.append(f"{method} {path}: answered differently by role: {seen}")
        return failures

    def leaks(self, where: str, caller: Caller, seed: Seed, doc: Any) -> list[str]:
        hidden = (seed.markers if caller.scope in OUTSIDERS else
                  seed.buyers if caller.scope == "another_buyer" else set())
        shown = sorted(strings(doc) & hidden)
        return [f"{where}: shows {shown}"] if shown else []


def _code(response: Any) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""
