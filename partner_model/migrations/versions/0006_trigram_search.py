"""Trigram indexes for free-text search on accounts and deals (see partner_model/text_search.py)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op

from partner_model.text_search import fts_table

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The searched columns as this revision made them (whether each is indexed lower-cased); 0018 changed domains.
SEARCHED = {
    "customer": {"name": True, "domain": False},
    "deal": {"company_name": True, "customer_domain": False, "contact_name": True},
}


def _sqlite_upgrade(table: str, columns: list[str]) -> None:
    search = fts_table(table)
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # External content: the FTS table stores only the index; the text stays in `table`.
    op.execute(f"CREATE VIRTUAL TABLE {search} USING fts5({names}, content='{table}', content_rowid='id', "
               "tokenize='trigram')")
    op.execute(f"INSERT INTO {search}({search}) VALUES ('rebuild')")
    op.execute(f"CREATE TRIGGER {search}_insert AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {search}_delete AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {search}({search}, rowid, {names}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {search}_update AFTER UPDATE OF {names} ON {table} BEGIN "
               f"INSERT INTO {search}({search}, rowid, {names}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {search}(rowid, {names}) VALUES (new.id, {new}); END")


def _postgresql_upgrade(table: str, columns: dict[str, bool]) -> None:
    for column, lowered in columns.items():
        expression = f"lower({column})" if lowered else column
        op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({expression} gin_trgm_ops)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # a trusted extension: a database owner may add it
    for table, columns in SEARCHED.items():
        if dialect == "sqlite":
            _sqlite_upgrade(table, list(columns))
        elif dialect == "postgresql":
            _postgresql_upgrade(table, columns)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        if dialect == "sqlite":
            search = fts_table(table)
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {search}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {search}")
        elif dialect == "postgresql":
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")
