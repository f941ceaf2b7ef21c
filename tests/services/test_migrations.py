"""Alembic migrations: empty to head on both backends, and the models and the migrations agree."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from partner_model import db, models  # noqa: F401  (models registers the tables)


def _head(engine) -> str:  # type: ignore[no-untyped-def]
    return ScriptDirectory.from_config(db.alembic_config(engine)).get_current_head()


def test_migrate_takes_an_empty_database_to_head(empty_engine):
    assert sa.inspect(empty_engine).get_table_names() == []
    db.migrate(empty_engine)
    tables = set(sa.inspect(empty_engine).get_table_names())
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables
    with empty_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _head(empty_engine)


def test_migrate_twice_is_harmless(empty_engine):
    db.migrate(empty_engine)
    db.migrate(empty_engine)
    with empty_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _head(empty_engine)


def test_models_and_migrations_agree(empty_engine):
    db.migrate(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                         "include_object": db.include_object})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_the_migrated_schema_accepts_the_service_data(engine, session):
    """The per-test engine fixture is migrated: a partner can be written and read back."""
    from decimal import Decimal

    from partner_model import partners

    p = partners.create_partner(session, name="Schema Oy", domain="schema.fi", commission_rate=Decimal("0.2"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("select name from partner where id = :id"), {"id": p.id}).scalar() == "Schema Oy"


def test_the_renewals_count_is_spelt_as_its_expression_index(engine):
    """Issue 19: the renewals count (overview_metrics' "renewals_30d") reads ix_customer_renewal_day, an index a
    migration writes in each dialect's spelling; if customer_derived.month_day and the migration drift apart, the
    count silently falls back to computing the day of every active subscription."""
    import datetime as dt

    from partner_model.customer_derived import C, renewal_due_expr
    from partner_model.models import Customer

    dialect = engine.dialect.name
    query = sa.select(sa.func.count()).select_from(Customer.__table__).where(
        C.derived_state == "active", renewal_due_expr(dt.date(2026, 6, 1), dialect))
    with engine.connect() as conn:
        if dialect == "sqlite":
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        else:  # as the app sends it: bound parameters
            conn.exec_driver_sql("SET enable_seqscan = off")  # an empty table: a scan would be cheapest
            compiled = query.compile(engine)
            plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    assert "ix_customer_renewal_day" in plan
