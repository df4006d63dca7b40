"""store.config_tag: the key of the process-wide cache of a store's policy and reasons

Revision ID: 0006configtag
Revises: 0005lookups
Create Date: 2026-11-30 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006configtag'
down_revision: str | None = '0005lookups'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_tag', sa.String(length=32), server_default='', nullable=False))
    # Each existing store gets its own random tag.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("UPDATE store SET config_tag = " + ("lower(hex(randomblob(16)))" if sqlite
                                                   else "md5(random()::text || id::text)"))


def downgrade() -> None:
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_column('config_tag')
