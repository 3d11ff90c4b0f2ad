"""Alembic's environment: migrations run on the connection ``store.migrate`` puts in
``config.attributes["connection"]``; there is no alembic.ini and no URL here.

Autogenerate compares the models with a database at head but leaves alone what only the database has: the
SQLite FTS5 search index and its covering indexes are made by ``store/search.py`` on open, not by
migrations (a revision that drops something is written by hand)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from mailsync.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Compare only what the models define (see the module docstring)."""
    return not (reflected and compare_to is None)


context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True, include_object=_include)
with context.begin_transaction():
    context.run_migrations()
