"""part movements keep facts, not English words: a transfer's other location, the parts request
it carried out and the quantity a reservation held; the note is left to what a person typed

Revision ID: 0014partfacts
Revises: 0013desk
Create Date: 2026-12-06 09:00:00+00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014partfacts'
down_revision: str | None = '0013desk'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_M = sa.table("part_movement", sa.column("id", sa.Integer), sa.column("qty", sa.Integer),
              sa.column("kind", sa.String), sa.column("note", sa.Text), sa.column("counterpart", sa.String),
              sa.column("request_id", sa.Integer), sa.column("held", sa.Integer))
_R = sa.table("part_request", sa.column("id", sa.Integer), sa.column("from_location", sa.String),
              sa.column("to_location", sa.String))


def upgrade() -> None:
    with op.batch_alter_table('part_movement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counterpart', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.add_column(sa.Column('held', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_part_movement_request_id_part_request'), 'part_request',
                                    ['request_id'], ['id'])
    _facts_from_notes()


def _facts_from_notes() -> None:
    """The notes the code wrote itself ("to van:li", "from central", "request 7", "reserved 2")
    become facts; a note a person typed stays."""
    bind = op.get_bind()
    requests = {r.id: r for r in bind.execute(sa.select(_R))}
    rows = bind.execute(sa.select(_M.c.id, _M.c.qty, _M.c.kind, _M.c.note).where(
        _M.c.kind.in_(("transfer", "reservation", "release")), _M.c.note.is_not(None))).all()
    for row in rows:
        values: dict[str, object] = {}
        if row.kind == "transfer" and (m := re.fullmatch(r"(to|from) (\S+)", row.note)):
            values = {"counterpart": m.group(2), "note": None}
        elif row.kind == "transfer" and (m := re.fullmatch(r"request (\d+)", row.note)) \
                and int(m.group(1)) in requests:
            req = requests[int(m.group(1))]
            values = {"request_id": req.id, "note": None,
                      "counterpart": req.to_location if row.qty < 0 else req.from_location}
        elif m := re.fullmatch(r"(reserved|released) (\d+)", row.note):
            values = {"held": int(m.group(2)), "note": None}
        if values:
            bind.execute(sa.update(_M).where(_M.c.id == row.id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table('part_movement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_part_movement_request_id_part_request'), type_='foreignkey')
        batch_op.drop_column('held')
        batch_op.drop_column('request_id')
        batch_op.drop_column('counterpart')
