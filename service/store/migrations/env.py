"""Alembic environment: runs migrations on the engine handed over by ``migrate.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from service.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the given engine, or on the URL of ``sqlalchemy.url``."""
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
