"""logistics (物流异常): the parcel, the tracking queries with the carrier's agent id, the damage or
loss report with its evidence, the carrier's answer and the outcome for the buyer

Revision ID: 0017logistics
Revises: 0016reviews
Create Date: 2026-12-06 11:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shouhou.db.types

revision: str = '0017logistics'
down_revision: str | None = '0016reviews'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'logistics_detail',
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('carrier', sa.String(length=50), nullable=False),
        sa.Column('tracking_no', sa.String(length=100), nullable=False),
        sa.Column('shipped_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('problem', sa.String(length=20), nullable=False),
        sa.Column('skus', _json(), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=False),
        sa.Column('queries', _json(), nullable=False),
        sa.Column('report_kind', sa.String(length=10), nullable=True),
        sa.Column('reported_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('reported_by', sa.String(length=100), nullable=True),
        sa.Column('carrier_agent_id', sa.String(length=40), nullable=True),
        sa.Column('shipped_on', sa.Date(), nullable=True),
        sa.Column('delivery_area', sa.String(length=200), nullable=True),
        sa.Column('delivery_result', sa.String(length=500), nullable=True),
        sa.Column('goods_value_fen', sa.BigInteger(), nullable=True),
        sa.Column('evidence', _json(), nullable=False),
        sa.Column('report_note', sa.Text(), nullable=True),
        sa.Column('carrier_answer', sa.String(length=10), nullable=True),
        sa.Column('answered_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('answered_by', sa.String(length=100), nullable=True),
        sa.Column('compensation_fen', sa.BigInteger(), nullable=True),
        sa.Column('claim_no', sa.String(length=64), nullable=True),
        sa.Column('answer_note', sa.Text(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('resolved_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('resolved_by', sa.String(length=100), nullable=True),
        sa.Column('reship_carrier', sa.String(length=50), nullable=True),
        sa.Column('reship_tracking_no', sa.String(length=100), nullable=True),
        sa.Column('store_id', _ID, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_logistics_detail_case_id_cases')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_logistics_detail_store_id_store')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_logistics_detail')),
    )
    with op.batch_alter_table('logistics_detail', schema=None) as batch_op:
        batch_op.create_index('ix_logistics_detail_store_id_reported_at', ['store_id', 'reported_at'], unique=False)
        batch_op.create_index('ix_logistics_detail_store_id_tracking_no', ['store_id', 'tracking_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('logistics_detail', schema=None) as batch_op:
        batch_op.drop_index('ix_logistics_detail_store_id_tracking_no')
        batch_op.drop_index('ix_logistics_detail_store_id_reported_at')
    op.drop_table('logistics_detail')
