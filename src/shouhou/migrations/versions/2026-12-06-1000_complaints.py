"""complaints (投诉): the register, the investigation, the settlement and who answers for it, the
customer's agreement, the departments' tasks and the follow-up calls

Revision ID: 0015complaints
Revises: 0014partfacts
Create Date: 2026-12-06 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shouhou.db.types

revision: str = '0015complaints'
down_revision: str | None = '0014partfacts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'complaint_detail',
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('about_case_id', _ID, nullable=True),
        sa.Column('complainant', sa.String(length=100), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('address', sa.String(length=500), nullable=True),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('restatement', sa.Text(), nullable=True),
        sa.Column('wish', sa.Text(), nullable=True),
        sa.Column('substantiated', sa.Boolean(), nullable=True),
        sa.Column('responsible', sa.String(length=20), nullable=True),
        sa.Column('responsible_user_id', _ID, nullable=True),
        sa.Column('responsible_department', sa.String(length=30), nullable=True),
        sa.Column('supplier', sa.String(length=200), nullable=True),
        sa.Column('remedy', sa.String(length=20), nullable=True),
        sa.Column('proposal', sa.Text(), nullable=True),
        sa.Column('compensation_fen', sa.BigInteger(), nullable=True),
        sa.Column('goods', sa.String(length=300), nullable=True),
        sa.Column('gift', sa.String(length=300), nullable=True),
        sa.Column('proposed_by', sa.String(length=100), nullable=True),
        sa.Column('approved_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('approved_by', sa.String(length=100), nullable=True),
        sa.Column('agreed_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('signed_by', sa.String(length=100), nullable=True),
        sa.Column('tasks', _json(), nullable=False),
        sa.Column('follow_ups', _json(), nullable=False),
        sa.Column('satisfied', sa.Boolean(), nullable=True),
        sa.Column('found_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('found_responsible', sa.String(length=20), nullable=True),
        sa.Column('found_user_id', _ID, nullable=True),
        sa.Column('found_department', sa.String(length=30), nullable=True),
        sa.Column('found_supplier', sa.String(length=200), nullable=True),
        sa.Column('store_id', _ID, nullable=False),
        sa.ForeignKeyConstraint(['about_case_id'], ['cases.id'], name=op.f('fk_complaint_detail_about_case_id_cases')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_complaint_detail_case_id_cases')),
        sa.ForeignKeyConstraint(['responsible_user_id'], ['user_account.id'],
                                name=op.f('fk_complaint_detail_responsible_user_id_user_account')),
        sa.ForeignKeyConstraint(['found_user_id'], ['user_account.id'],
                                name=op.f('fk_complaint_detail_found_user_id_user_account')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_complaint_detail_store_id_store')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_complaint_detail')),
    )
    with op.batch_alter_table('complaint_detail', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_detail_store_id_found_at', ['store_id', 'found_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaint_detail', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_detail_store_id_found_at')
    op.drop_table('complaint_detail')
