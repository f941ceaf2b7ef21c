"""deal: the won deal's confirmation by the partner's manager (confirmation, its question, who and when)

Deals already Closed won were confirmed outside the product (by email, before this step existed): they are marked
confirmed, so only deals won from now on wait for their manager.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

STATES = ("waiting", "sent_back", "confirmed")


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch (copy-and-rename) of the deal table on SQLite would drop its search triggers.
    op.add_column("deal", sa.Column("confirmation", sa.Enum(*STATES, name="confirmation", native_enum=False,
                                                            length=20), nullable=True))
    op.add_column("deal", sa.Column("confirmation_question", sqlmodel.sql.sqltypes.AutoString(length=2000),
                                    nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column with its reference in place
        op.execute('ALTER TABLE deal ADD COLUMN confirmed_by INTEGER REFERENCES "user" (id)')
    else:
        op.add_column("deal", sa.Column("confirmed_by", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_deal_confirmed_by", "deal", "user", ["confirmed_by"], ["id"])
    op.add_column("deal", sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.create_index("ix_deal_confirmation", "deal", ["confirmation", "partner_id"])
    op.execute("UPDATE deal SET confirmation = 'confirmed' WHERE stage = 'closed_won'")


def _search_index_again() -> None:
    """SQLite: the deal's search index (migration 0006's FTS table and triggers) made again after a batch copy."""
    import importlib.util
    from pathlib import Path

    path = next(Path(__file__).parent.glob("0006_*.py"))
    spec = importlib.util.spec_from_file_location("search_0006", path)
    search = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(search)  # type: ignore[union-attr]
    table = search.fts_table("deal")
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {table}")
    search._sqlite_upgrade("deal", list(search.SEARCHED["deal"]))


def downgrade() -> None:
    op.drop_index("ix_deal_confirmation", table_name="deal")
    columns = ("confirmed_at", "confirmed_by", "confirmation_question", "confirmation")
    if op.get_bind().dialect.name == "sqlite":  # a column a foreign key uses goes only with a copy of the table
        with op.batch_alter_table("deal") as batch:
            for column in columns:
                batch.drop_column(column)
        _search_index_again()
        return
    op.drop_constraint("fk_deal_confirmed_by", "deal", type_="foreignkey")
    for column in columns:
        op.drop_column("deal", column)
