"""case numbers from a sequence on PostgreSQL

Revision ID: 0003caseseq
Revises: 0002returns
Create Date: 2026-11-24 03:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003caseseq"
down_revision: str | None = "0002returns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One deployment-wide counter replaces the daily ones; start it after every number given out.
    op.execute("INSERT INTO case_number (day, last) SELECT 'case', COALESCE(MAX(last), 0) FROM case_number "
               "WHERE NOT EXISTS (SELECT 1 FROM case_number WHERE day = 'case')")
    if op.get_bind().dialect.name == "postgresql":
        # Continue after any number already handed out by the counter table.
        op.execute("CREATE SEQUENCE IF NOT EXISTS case_no_seq")
        op.execute("SELECT setval('case_no_seq', GREATEST((SELECT COALESCE(MAX(last), 0) FROM case_number), 1), "
                   "(SELECT COUNT(*) > 0 FROM case_number))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS case_no_seq")
