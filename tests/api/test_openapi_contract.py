"""schemathesis over the whole OpenAPI document: the server does what the document says.

The engine `st run` uses (all phases: examples, coverage, fuzzing, stateful) runs in-process
against the ASGI app, once with a staff token and once with a customer token, over a world with
two stores, an order and cases to find. Bounded so it fits the suite: a few examples per
operation, a fixed seed, derandomized, no example database. Every check must pass: no 5xx, every
status, header, content type and body as documented, schema-valid input accepted (a domain
refusal such as `store_required` is 422 with its own code; only `validation_failed` would say the
document and the validation disagree), invalid input refused, 405 with the right `Allow`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import Status, events, from_schema

from shouhou.fields import EARLIEST, LATEST
from tests.builders import World
from tests.engine.factories import CASE_FACTORIES, SIGNED

MAX_EXAMPLES = 5  # per operation and phase
SEED = 20261123


# Times and days as the document describes them (fields.Instant, fields.Day): ISO 8601 (times with an
# offset), in the years it names (its `pattern`). Generated within them: filtering the default's years
# 0001-9999 through the pattern would throw most examples away.
schemathesis.openapi.format("date-time", st.datetimes(
    min_value=datetime(EARLIEST, 1, 2), max_value=datetime(LATEST, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]),
).map(datetime.isoformat))
schemathesis.openapi.format("date", st.dates(min_value=date(EARLIEST, 1, 1), max_value=date(LATEST, 12, 31))
                            .map(date.isoformat))


@schemathesis.check
def schema_valid_input_passes_validation(ctx: Any, response: Any, case: Any) -> bool | None:
    """What the document calls valid is not refused by the request validation (`validation_failed`)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    # The coverage phase may call a case positive whose body it drew as negative (a near-boundary
    # path id sent with a body of 0): only input valid in every part is the document's promise.
    if any(not part.mode.is_positive for part in (meta.components or {}).values()):
        return None
    code = (response.json() or {}).get("error", {}).get("code")
    if code == "validation_failed":
        raise AssertionError(f"schema-valid input refused as validation_failed: {response.json()}")
    return None


def seed(world: World) -> dict[str, str]:
    world.store("S1", return_contact="售后仓", return_phone="021-1", return_address="上海仓")
    world.store("S2", "别的店铺")
    staff = world.user("admin-all", "admin", None)
    buyer = world.user("buyer", "customer", "S1", customer="u1001")
    world.user("agent-S1", "agent", "S1")  # the case factories act as these two
    world.order("T20261101001", signed_at=SIGNED, shipped_at=SIGNED - timedelta(days=1))
    world.consultation("agent-S1", order_no="T20261101001")
    for status in ("pending_review", "pending_refund", "completed"):
        CASE_FACTORIES["return_refund"](world, status)
    return {"staff": staff, "customer": buyer}


def run(app: Any, token: str) -> tuple[dict[tuple[str, str], list[str]], list[str]]:
    """Failures by (code, operation), and errors the engine met."""
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "workers": 1,
        "headers": {"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none",
                       "allow-x00": False},  # NUL is refused by the request boundary, as documented
        # A refusal the schema cannot express (an unknown store, payment_mismatch) is a 422 with a
        # code of its own; schema_valid_input_passes_validation holds the rest.
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
        "cache": {"enabled": False},
        # A wall-clock limit per request (the engine's default is 10 s): generous, because the suite shares
        # two cores with a browser and PostgreSQL; a request that hangs still fails the run.
        "request-timeout": 60,
    })
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.status == Status.FAILURE and node.failure_info is not None:
                        failure = node.failure_info.failure
                        failures[failure.code, event.recorder.label].append(f"{failure.title}: {failure.message}\n{node.failure_info.code_sample}")
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value}")
        elif isinstance(event, events.FatalError):
            errors.append(str(event.exception))
        elif isinstance(event, events.EngineFinished):
            errors += [str(f) for f in event.failures]
    return failures, errors


@pytest.mark.parametrize("who", ["staff", "customer"])
def test_the_server_does_what_its_openapi_document_says(app, world, who):
    # given a world to find things in, and a token
    token = seed(world)[who]
    # when schemathesis runs every phase over every operation
    failures, errors = run(app, token)
    # then no check failed and nothing broke
    report = [f"{code} {operation} (×{len(found)}): {found[0][:600]}" for (code, operation), found in
              sorted(failures.items())]
    assert not report, "\n\n".join(report)
    assert not errors, "\n".join(errors)
