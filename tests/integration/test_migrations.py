"""Schema migrations (mailsync/store/migrate.py): a database made by Gracebox 0.1 (main at 056854f, before
migrations: tests/fixtures/make_v0_db.py made the fixtures) opens with this code on SQLite and PostgreSQL
with the user's data intact; a simulated next release adds a column; a database from a newer release is
refused with one line."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from mailsync.config import settings_from_dict
from mailsync.store import migrate, queries
from mailsync.store.engine import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V0_SQLITE = FIXTURES / "v0-056854f.sqlite"
V0_POSTGRES = FIXTURES / "v0-056854f-postgresql.sql"
ROOT = Path(__file__).resolve().parents[2]

NEXT_REVISION = '''"""next release: message.snoozed_until

Revision ID: 9002
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch_op:
        batch_op.add_column(sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch_op:
        batch_op.drop_column("snoozed_until")
'''


def user_data(store: Store) -> dict[str, object]:
    """What the user made in the fixture: statuses, replies, corrections, decisions, notes, folder state."""
    with store.engine.connect() as c:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in c.execute(text(sql))]

        return {
            "messages": rows("SELECT message_id, status, archived FROM message ORDER BY message_id"),
            "replies": rows("SELECT request_identity, state, scenario, body FROM reply ORDER BY request_identity"),
            "corrections": rows("SELECT identity, code, action FROM correction"),
            "decisions": rows("SELECT request_identity, kind, source FROM decision"),
            "notes": rows("SELECT address, experience, note FROM contact"),
            "folders": rows("SELECT name, uidvalidity, highestmodseq, highest_uid FROM folder ORDER BY name"),
            "known": rows("SELECT address, count FROM known_address"),
        }


EXPECTED = {
    "messages": [("<v0-1@example.org>", "archived", True), ("<v0-2@vendor.example>", "replied", False),
                 ("<v0-3@example.net>", "draft", False), ("<v0-4@example.com>", "new", False),
                 ("<v0-5@example.org>", "read", False)],
    "replies": [("<v0-2@vendor.example>", "sent", "scenario2", "No, thanks."),
                ("<v0-3@example.net>", "draft", "scenario1", "Not now, but here is help.")],
    "corrections": [("<v0-4@example.com>", "RF3", "dismiss")],
    "decisions": [("<v0-4@example.com>", "accept", "mark")],
    "notes": [("riley@vendor.example", "negative", "pushy sales calls")],
    "folders": [("Networking", 1732000000, 42, 5), ("Sent", 1732000001, None, 2)],
    "known": [("cy@example.org", 2)],
}


def _normalised(data: dict[str, object]) -> dict[str, object]:
    out = dict(data)
    out["messages"] = [(mid, st, bool(a)) for mid, st, a in data["messages"]]  # type: ignore[attr-defined]
    return out


def _list_json(store: Store) -> list[dict[str, object]]:
    settings = settings_from_dict({"identity": {"email": "alex@example.com"}, "storage": {"database_url": store.url}})
    with store.session() as s:
        return queries.list_json(s, settings)


def test_v0_sqlite_database_is_stamped_and_keeps_the_users_data(tmp_path: Path) -> None:
    db = tmp_path / "gracebox.db"
    shutil.copy(V0_SQLITE, db)
    store = Store(f"sqlite:///{db}")
    try:
        with store.engine.connect() as c:
            assert migrate.current(c) == migrate.head() == "0002"  # stamped as the baseline, then upgraded
            assert "sent_message" in inspect(c).get_table_names()
        assert _normalised(user_data(store)) == EXPECTED
        assert sorted(r["status"] for r in _list_json(store)) == ["archived", "draft", "new", "read", "replied"]
    finally:
        store.close()
    assert [p.name for p in tmp_path.glob("*.bak-*")] == ["gracebox.db.bak-0001"]  # the upgrade kept a copy


def test_v0_postgresql_dump_opens_with_this_code(pg_url: str) -> None:
    url = make_url(pg_url)
    admin = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS v0")
        conn.execute("CREATE DATABASE v0")
    with psycopg.connect(admin.replace("dbname=postgres", "dbname=v0"), autocommit=True) as conn:
        conn.execute(V0_POSTGRES.read_text(encoding="utf-8"))  # type: ignore[arg-type]
    store = Store(url.set(database="v0").render_as_string(hide_password=False))
    try:
        with store.engine.connect() as c:
            assert migrate.current(c) == migrate.head()
        assert _normalised(user_data(store)) == EXPECTED
        assert len(_list_json(store)) == 5
    finally:
        store.close()


@pytest.fixture
def next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This code's migrations plus a simulated next revision that adds a column."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9002_snoozed_until.py").write_text(NEXT_REVISION, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    return scripts


def test_next_revision_adds_a_column_after_a_backup(tmp_path: Path, next_release: Path) -> None:
    db = tmp_path / "gracebox.db"
    shutil.copy(V0_SQLITE, db)
    store = Store(f"sqlite:///{db}")
    try:
        with store.engine.connect() as c:
            assert migrate.current(c) == "9002"
            assert "snoozed_until" in {col["name"] for col in inspect(c).get_columns("message")}
        assert _normalised(user_data(store)) == EXPECTED
        assert len(_list_json(store)) == 5
    finally:
        store.close()
    backup = db.with_name("gracebox.db.bak-0001")
    assert backup.stat().st_mode & 0o777 == 0o600
    con = sqlite3.connect(backup)
    try:
        assert con.execute("SELECT count(*) FROM message").fetchone() == (5,)
        assert "snoozed_until" not in {r[1] for r in con.execute("PRAGMA table_info(message)")}
    finally:
        con.close()


def test_next_revision_on_postgresql(pg_url: str, next_release: Path) -> None:
    url = make_url(pg_url)
    admin = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS nextrel")
        conn.execute("CREATE DATABASE nextrel")
    store = Store(url.set(database="nextrel").render_as_string(hide_password=False))
    try:
        with store.engine.connect() as c:
            assert migrate.current(c) == "9002"
            assert "snoozed_until" in {col["name"] for col in inspect(c).get_columns("message")}
    finally:
        store.close()


def test_a_newer_database_is_refused_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "gracebox.db"
    shutil.copy(V0_SQLITE, db)
    Store(f"sqlite:///{db}").close()
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9002'")  # as a newer Gracebox would leave it
    con.close()
    before = db.read_bytes()
    with pytest.raises(migrate.NewerDatabase, match=r"made by a newer Gracebox .* upgrade Gracebox"):
        Store(f"sqlite:///{db}")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\ndatabase_url = "sqlite:///{db}"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mailsync.cli", "--config", str(cfg), "list"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 78
    assert proc.stderr.count("\n") == 1 and "upgrade Gracebox" in proc.stderr, proc.stderr
    assert db.read_bytes() == before


def test_head_read_from_the_files_is_alembics_head(next_release: Path) -> None:
    """``migrate.head`` reads the revision files as text (no Alembic import when a database is at head);
    it must name the revision Alembic itself sees as head, also with a next revision added."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    assert migrate.head() == ScriptDirectory.from_config(cfg).get_current_head() == "9002"
