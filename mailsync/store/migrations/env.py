"""Alembic's environment: migrations run on the connection ``store.migrate`` puts in
``config.attributes["connection"]``; there is no alembic.ini and no URL here."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from mailsync.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
