"""The per-unit cache's companions: a case's one-to-one rows (a type's detail, the desk's facts)
known from reading the case or from adding them, absent ones included, and forgotten on rollback."""

from __future__ import annotations

from shouhou import plugins
from shouhou.cases import repository as cases
from shouhou.db.cache import add_companion, companion
from shouhou.models.desk import CaseDesk
from tests.builders import statements


def test_a_case_read_with_its_companions_answers_them_without_a_query(world, db):
    world.store()
    world.user("agent1", "agent")
    no = world.consultation("agent1")
    assert CaseDesk in plugins.companions()  # the desk's facts come with every case
    with db.session() as s:
        case, _ = cases.case_by_no(s, no, plugins.companions(), plugins.collections())
        assert case is not None
        with statements(db) as seen:
            assert companion(s, CaseDesk, case.id) is None  # known absent
        assert seen == []
        desk = add_companion(s, CaseDesk(store_id=case.store_id, case_id=case.id))
        with statements(db) as seen:
            assert companion(s, CaseDesk, case.id) is desk
        assert seen == []
    with db.session() as s:
        case, _ = cases.case_by_no(s, no, plugins.companions(), plugins.collections())
        assert case is not None
        assert companion(s, CaseDesk, case.id).id == desk.id  # it was written


def test_a_rollback_forgets_what_the_unit_read(world, db):
    world.store()
    world.user("agent1", "agent")
    no = world.consultation("agent1")
    with db.session() as s:
        case, _ = cases.case_by_no(s, no, plugins.companions(), plugins.collections())
        assert case is not None
        case_id, store_id = case.id, case.store_id
        add_companion(s, CaseDesk(store_id=store_id, case_id=case_id))
        s.rollback()
        with statements(db) as seen:
            assert companion(s, CaseDesk, case_id) is None  # asked again: the rolled-back row is gone
        assert any("case_desk" in sql for sql in seen)
