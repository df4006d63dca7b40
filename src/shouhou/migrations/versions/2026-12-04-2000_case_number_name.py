"""case_number: the key column is the counter's name ("case"), not a day

Revision ID: 0008counter
Revises: 0008security
Create Date: 2026-12-04 20:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0008counter'
down_revision: str | None = '0008security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_number', schema=None) as batch_op:
        batch_op.alter_column('day', new_column_name='name')


def downgrade() -> None:
    with op.batch_alter_table('case_number', schema=None) as batch_op:
        batch_op.alter_column('name', new_column_name='day')
