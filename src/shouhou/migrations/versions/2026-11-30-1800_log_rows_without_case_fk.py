"""case_event and outbox: no foreign key to cases (written only with their case, in its transaction)

Revision ID: 0007logfk
Revises: 0006configtag
Create Date: 2026-11-30 18:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0007logfk'
down_revision: str | None = '0006configtag'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_event_case_id_cases', type_='foreignkey')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_case_id_cases', type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_outbox_case_id_cases', 'cases', ['case_id'], ['id'])
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_case_event_case_id_cases', 'cases', ['case_id'], ['id'])
