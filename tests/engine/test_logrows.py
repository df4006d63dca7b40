"""An action's log rows: written in the order they were made, on both databases, however
PostgreSQL joins them into statements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shouhou.engine import timers
from shouhou.engine.logrows import MAX_PARAMS, LogRows, batches, joined_sql
from shouhou.engine.workflow import TimerSpec
from shouhou.models import Case, CaseEvent, OutboxMessage, Timer

INSERT_TIMER = "INSERT INTO timer (case_id) VALUES (%(case_id)s)"
CANCEL_TIMER = "UPDATE timer SET state = 'cancelled' WHERE case_id = %(b_case)s"
INSERT_EVENT = "INSERT INTO case_event (case_id) VALUES (%(case_id)s)"
MOVE_CASE = "UPDATE cases SET status = %(status)s WHERE id = %(b_case)s"


class TestBatches:
    def test_it_joins_inserts_and_updates_of_different_tables(self):
        assert batches([(CANCEL_TIMER, 1), (INSERT_TIMER, 1), (INSERT_EVENT, 1), (MOVE_CASE, 2)]) == [[0, 1, 2, 3]]

    def test_it_starts_a_new_statement_for_an_update_of_a_table_written_before(self):
        # an UPDATE in the same statement would not see the row the INSERT made
        assert batches([(INSERT_TIMER, 1), (INSERT_EVENT, 1), (CANCEL_TIMER, 1), (MOVE_CASE, 2)]) == [[0, 1], [2, 3]]

    def test_it_keeps_each_statement_within_the_drivers_parameter_bound(self):
        assert batches([(INSERT_TIMER, MAX_PARAMS - 1), (INSERT_EVENT, 2)]) == [[0], [1]]
        assert batches([(INSERT_TIMER, MAX_PARAMS - 2), (INSERT_EVENT, 2)]) == [[0, 1]]

    def test_it_refuses_a_statement_that_writes_nothing(self):
        with pytest.raises(ValueError, match="not an INSERT"):
            batches([("SELECT 1", 0)])


class TestJoinedSql:
    def test_it_renames_each_statements_parameters_by_position(self):
        sql = joined_sql((INSERT_TIMER, MOVE_CASE), (3, 4))
        assert sql == ("WITH w0 AS (INSERT INTO timer (case_id) VALUES (%(case_id_3)s)) "
                       "UPDATE cases SET status = %(status_4)s WHERE id = %(b_case_4)s")

    def test_a_single_statement_stays_as_it_is_but_renamed(self):
        assert joined_sql((INSERT_EVENT,), (0,)) == "INSERT INTO case_event (case_id) VALUES (%(case_id_0)s)"


def a_consultation(world) -> str:  # noqa: ANN001
    world.store()
    world.user("agent1", "agent")
    return world.consultation("agent1")


def by_no(ctx, no: str) -> Case:  # noqa: ANN001
    return ctx.session.scalars(select(Case).where(Case.no == no)).one()


class TestWrite:
    def test_a_timer_armed_and_cancelled_in_one_action_ends_cancelled_beside_the_other_rows(self, world):
        # given a case
        no = a_consultation(world)
        with world.ctx() as ctx:
            case = by_no(ctx, no)
            before = ctx.session.scalar(select(Timer.id).order_by(Timer.id.desc()).limit(1)) or 0
            rows = LogRows(ctx)
            spec = TimerSpec(kind="probe", action="close", after=timedelta(days=1), zh="探测", en="probe")
            # when one action arms a timer, then cancels the case's timers, then logs an event
            timers.arm(ctx, case, spec, ctx.clock.now() + timedelta(days=1), rows)
            timers.cancel(ctx, case, None, rows)
            rows.insert(CaseEvent(store_id=case.store_id, case_id=case.id, seq=99, action="probe",
                                  from_status=case.status, to_status=case.status, actor_name="test", actor_role="agent",
                                  at=ctx.clock.now(), visibility="internal", payload={"k": "中文"}),
                        persistent=False)
            rows.insert(OutboxMessage(store_id=case.store_id, topic="probe", case_id=case.id, payload={"n": 1},
                               created_at=ctx.clock.now()), persistent=False)
            rows.write()
            ctx.session.commit()
        # then every row is there and the new timer saw the cancel
        with world.db.session() as s:
            new = s.scalars(select(Timer).where(Timer.id > before)).all()
            assert [(t.kind, t.state) for t in new] == [("probe", "cancelled")]
            assert s.scalars(select(Timer.state).where(Timer.case_id == case.id, Timer.state == "pending")).all() == []
            event = s.scalars(select(CaseEvent).where(CaseEvent.action == "probe")).one()
            assert (event.seq, event.payload) == (99, {"k": "中文"})
            assert s.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == "probe")).one() == {"n": 1}

    def test_a_loaded_objects_changed_columns_go_as_one_update_and_leave_it_clean(self, world):
        # given a loaded case
        no = a_consultation(world)
        with world.ctx() as ctx:
            case = by_no(ctx, no)
            # when an effect changes a plain column and a JSON one, and the action writes its rows
            case.priority = "urgent"
            case.data = {"缘由": "投诉升级", "n": 2}
            rows = LogRows(ctx)
            assert rows.update(case) is True
            # then the object reads as clean, with nothing left for a flush
            assert case not in ctx.session.dirty
            assert case.priority == "urgent"
            rows.write()
            ctx.session.commit()
        with world.db.session() as s:
            stored = s.scalars(select(Case).where(Case.no == no)).one()  # a fresh session
            assert (stored.priority, stored.data) == ("urgent", {"缘由": "投诉升级", "n": 2})

    def test_a_refused_row_raises_sqlalchemys_error_and_the_action_writes_nothing(self, world):
        # given a case; when an action's rows include one the database refuses (no topic)
        no = a_consultation(world)
        with world.ctx() as ctx:
            case = by_no(ctx, no)
            rows = LogRows(ctx)
            rows.insert(OutboxMessage(store_id=case.store_id, topic="probe", case_id=case.id, payload={},
                                      created_at=ctx.clock.now()), persistent=False)
            rows.insert(OutboxMessage(store_id=case.store_id, topic=None, case_id=case.id, payload={},
                                      created_at=ctx.clock.now()), persistent=False)
            # then the driver's error arrives as SQLAlchemy's, as from any other statement
            with pytest.raises(IntegrityError):
                rows.write()
            ctx.session.rollback()
        with world.db.session() as s:
            assert s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "probe")).all() == []

    def test_an_unchanged_object_queues_nothing(self, world):
        no = a_consultation(world)
        with world.ctx() as ctx:
            case = by_no(ctx, no)
            rows = LogRows(ctx)
            assert rows.update(case) is False
            assert rows.ops == []
