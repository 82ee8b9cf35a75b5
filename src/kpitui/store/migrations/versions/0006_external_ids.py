"""activity.external_id and score.external_id: re-importing a file updates the rows it names instead of adding
them again (DESIGN.md section 7, re-import)

Nullable and unique across each table (NULLs never collide, in SQLite and PostgreSQL alike). Added with a plain
ALTER TABLE ... ADD COLUMN and a unique index rather than a unique constraint: no batch mode, so SQLite copies
and drops no table and no row is at risk (TRAPS.md, migrations); existing rows keep NULL, which an export
writes as the row's own id (`kpitui-<id>`). PostgreSQL's grants and row-level policies are per table, so the
new columns are covered by those of 0004.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("activity", "score")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("external_id", sa.String(length=100), nullable=True))
        op.create_index(f"ix_{table}_external_id", table, ["external_id"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_external_id", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("external_id")
