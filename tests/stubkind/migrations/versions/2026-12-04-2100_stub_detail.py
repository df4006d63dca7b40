"""stub_detail: the test-only stub case type's table (a branch of its own)

Revision ID: stub0001
Revises:
Create Date: 2026-12-04 21:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'stub0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ('stubkind',)
depends_on: str | Sequence[str] | None = '0008counter'  # cases and store exist


def upgrade() -> None:
    op.create_table(
        'stub_detail',
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('model', sa.String(length=100), nullable=False),
        sa.Column('verdict', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_stub_detail_case_id_cases')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_stub_detail_store_id_store')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_stub_detail')),
    )


def downgrade() -> None:
    op.drop_table('stub_detail')
