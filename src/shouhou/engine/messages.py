"""What a transition leaves behind, defined once for the engine and the bulk sweep.

`event_row` and `transition_message` take plain values on the engine path and SQL column
expressions in the sweep (engine/bulk.py), which builds the same rows inside the database;
tests/engine/test_sweep_equivalence.py checks that both write the same.
"""

from __future__ import annotations

from typing import Any

TRANSITIONED = "case.transitioned"
CREATED = "case.created"


def event_row(*, store_id: Any, case_id: Any, seq: Any, action: Any, from_status: Any, to_status: Any,
              actor_id: Any, actor_name: Any, actor_role: Any, at: Any, visibility: Any,
              payload: Any) -> dict[str, Any]:
    """The `case_event` row's columns."""
    return {"store_id": store_id, "case_id": case_id, "seq": seq, "action": action, "from_status": from_status,
            "to_status": to_status, "actor_id": actor_id, "actor_name": actor_name, "actor_role": actor_role,
            "at": at, "visibility": visibility, "payload": payload}


def transition_message(*, case_no: Any, case_type: Any, action: Any, from_status: Any, to_status: Any,
                       version: Any, at: Any, actor: Any) -> dict[str, Any]:
    """The payload of `case.created` / `case.transitioned` outbox messages (webhooks)."""
    return {"case": case_no, "type": case_type, "action": action, "from": from_status, "to": to_status,
            "version": version, "at": at, "actor": actor}


def outbox_row(*, store_id: Any, topic: Any, case_id: Any, payload: Any, created_at: Any) -> dict[str, Any]:
    """The `outbox_message` row's columns."""
    return {"store_id": store_id, "topic": topic, "case_id": case_id, "payload": payload, "dispatched_at": None,
            "created_at": created_at}


def timer_row(*, store_id: Any, case_id: Any, kind: Any, action: Any, due_at: Any, created_at: Any,
              payload: Any) -> dict[str, Any]:
    """A pending `timer` row's columns."""
    return {"store_id": store_id, "case_id": case_id, "kind": kind, "action": action, "due_at": due_at,
            "state": "pending", "fired_at": None, "result": None, "created_at": created_at, "payload": payload}
