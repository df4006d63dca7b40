"""refund rules (issue 22): the refund breakdown's parts, bundles, receipt and reship overdue; disputes; pickups

Revision ID: 0010refunds
Revises: 0008counter
Create Date: 2026-12-04 21:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shouhou.db.types

revision: str = '0010refunds'
down_revision: str | None = '0008counter'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def _empty(value: str) -> sa.TextClause:
    return sa.text(f"'{value}'")


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bundles', _json(), server_default=_empty('[]'), nullable=False))
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bundle_discount_fen', sa.BigInteger(), server_default='0', nullable=False))
    with op.batch_alter_table('case_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares', _json(), server_default=_empty('{}'), nullable=False))
    with op.batch_alter_table('return_detail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coupon_cash_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('shares', _json(), server_default=_empty('{}'), nullable=False))
        batch_op.add_column(sa.Column('return_postage_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('postage', _json(), nullable=True))
        batch_op.add_column(sa.Column('deductions', _json(), server_default=_empty('[]'), nullable=False))
        batch_op.add_column(sa.Column('adjustment_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rules', _json(), server_default=_empty('{}'), nullable=False))
        batch_op.add_column(sa.Column('exchange_postage_fen', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('receipt_overdue_at', shouhou.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reship_overdue_at', shouhou.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_return_detail_receipt_overdue_at'), ['receipt_overdue_at'], unique=False)
    op.create_table(
        'dispute_detail',
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('about_case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('remedy', sa.String(length=20), nullable=False),
        sa.Column('requested_fen', sa.BigInteger(), nullable=True),
        sa.Column('window_until', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('basis', _json(), nullable=False),
        sa.Column('evidence', _json(), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=True),
        sa.Column('award_fen', sa.BigInteger(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.Column('decided_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.ForeignKeyConstraint(['about_case_id'], ['cases.id'], name=op.f('fk_dispute_detail_about_case_id_cases')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_dispute_detail_case_id_cases')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_dispute_detail_store_id_store')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_dispute_detail')),
    )
    with op.batch_alter_table('dispute_detail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_detail_about_case_id'), ['about_case_id'], unique=False)
    op.create_table(
        'return_pickup',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('window_start', shouhou.db.types.UTCDateTime(), nullable=False),
        sa.Column('window_end', shouhou.db.types.UTCDateTime(), nullable=False),
        sa.Column('contact', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('adapter', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('booking_ref', sa.String(length=100), nullable=True),
        sa.Column('carrier', sa.String(length=50), nullable=True),
        sa.Column('tracking_no', sa.String(length=100), nullable=True),
        sa.Column('requested_at', shouhou.db.types.UTCDateTime(), nullable=False),
        sa.Column('booked_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('picked_up_at', shouhou.db.types.UTCDateTime(), nullable=True),
        sa.Column('store_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_return_pickup_case_id_cases')),
        sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_return_pickup_store_id_store')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_pickup')),
        sa.UniqueConstraint('case_id', name=op.f('uq_return_pickup_case_id')),
    )
    with op.batch_alter_table('return_pickup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_pickup_status'), ['status'], unique=False)
    # Cases refunded before: their vouchers paid as cash, and the reviewer's adjustment, as amounts.
    op.execute("UPDATE return_detail SET coupon_cash_fen = voucher_fen WHERE refund_vouchers")
    op.execute("UPDATE return_detail SET adjustment_fen = goods_fen"
               " + CASE WHEN refund_vouchers THEN voucher_fen ELSE 0 END"
               " + CASE WHEN refund_shipping THEN shipping_fen ELSE 0 END - refund_fen"
               " WHERE refund_fen < goods_fen + CASE WHEN refund_vouchers THEN voucher_fen ELSE 0 END"
               " + CASE WHEN refund_shipping THEN shipping_fen ELSE 0 END")


def downgrade() -> None:
    with op.batch_alter_table('return_pickup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_pickup_status'))
    op.drop_table('return_pickup')
    with op.batch_alter_table('dispute_detail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_detail_about_case_id'))
    op.drop_table('dispute_detail')
    with op.batch_alter_table('return_detail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_detail_receipt_overdue_at'))
        for name in ('reship_overdue_at', 'receipt_overdue_at', 'exchange_postage_fen', 'rules', 'adjustment_fen',
                     'deductions', 'postage', 'return_postage_fen', 'shares', 'coupon_cash_fen'):
            batch_op.drop_column(name)
    with op.batch_alter_table('case_line', schema=None) as batch_op:
        batch_op.drop_column('shares')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('bundle_discount_fen')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('bundles')
