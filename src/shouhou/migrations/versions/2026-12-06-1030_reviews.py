"""reviews (中差评): the review, its analysis, the contacts with the buyer and the outcome

Revision ID: 0016reviews
Revises: 0015complaints
Create Date: 2026-12-06 10:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shouhou.db.types

revision: str = '0016reviews'
down_revision: str | None = '0015complaints'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'review_detail',
        sa.Column('case_id', _ID, nullable=False),
        sa.Column('customer_id', _ID, nullable=True),
        sa.Column('platform', sa.String(length=20), nullable=False),
        sa.Column('rating', sa.String(length=10), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('reviewed_at', shouhou.db.types.UTCDateTime(), nullable=False),
        sa.Column('sku', sa.String(length=64), nullable=True),
        sa.Column('photos', _json(), nullable=False),
        sa.Column('cause', sa.String(length=30), nullable=True),
        sa.Column('need', sa.Text(), nullable=True),
        sa.Column('attitude', sa.String(length=20), nullable=True),
        sa.Column('contacts', _json(), nullable=False),
        sa.Column('offer_fen', sa.BigInteger(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('outcome_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('store_id', _ID, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_review_detail_case_id_cases')),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_review_detail_customer_id_customer')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_review_detail_store_id_store')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_detail')),
    )
    with op.batch_alter_table('review_detail', schema=None) as batch_op:
        batch_op.create_index('ix_review_detail_store_id_reviewed_at', ['store_id', 'reviewed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_detail', schema=None) as batch_op:
        batch_op.drop_index('ix_review_detail_store_id_reviewed_at')
    op.drop_table('review_detail')
