"""The store: an embedded SQLite database (or PostgreSQL) that remembers articles and keeps stories up to date.

``open_store(url_or_path)`` takes a file path (SQLite), a ``sqlite:///`` URL, or a ``postgresql://`` URL (mapped to
SQLAlchemy's psycopg 3 driver, the ``[postgres]`` extra).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storytrace.errors import MissingExtra, StoreError, UsageError
from storytrace.store import tables
from storytrace.store.store import (
    PG_SCHEMA_LOCK,
    RETRY_FIRST_DELAY,
    RETRY_MAX_DELAY,
    RETRY_SECONDS,
    SORTS,
    IngestReport,
    Store,
    StorySummary,
    UnknownId,
    count_contested,
    transient,
)

DEFAULT_DB = "storytrace.db"
# SQLite's busy timeout, seconds: how long a writer waits for another's write lock before the retry loop in
# Store._write takes over (Python's default is 5 s, short for eight ingests on two cores).
SQLITE_BUSY_TIMEOUT = 30

__all__ = [
    "DEFAULT_DB",
    "SORTS",
    "IngestReport",
    "Store",
    "StorySummary",
    "UnknownId",
    "count_contested",
    "database_url",
    "open_store",
]


def database_url(url_or_path: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for a path or URL: paths and ``sqlite:`` URLs are SQLite; ``postgresql://`` and
    ``postgres://`` mean PostgreSQL through psycopg 3."""
    target = os.fspath(url_or_path) if url_or_path is not None else DEFAULT_DB
    if target.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + target.split("://", 1)[1]
    if target.startswith(("postgresql+", "sqlite:")):
        return target
    if "://" in target:
        scheme = target.split("://", 1)[0]
        raise UsageError(f"unsupported database URL scheme {scheme!r}: give a file path, sqlite:/// or postgresql://")
    path = Path(target).expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a directory; --db wants a database file")
    if not path.parent.exists():
        raise StoreError(f"cannot create the database {path}: folder {path.parent} does not exist")
    return f"sqlite:///{path.resolve()}"


def open_store(url_or_path: str | os.PathLike[str] | None = None) -> Store:
    """Open (and create when new) a storytrace database."""
    url = database_url(url_or_path)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"not a database URL: {url_or_path}") from exc
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise MissingExtra("the PostgreSQL driver (psycopg)", "postgres") from exc
        engine = create_engine(url, pool_pre_ping=True)
    elif parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url)
    else:
        raise UsageError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")
    try:
        version = _retrying(lambda: _create_schema(engine))
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"cannot open the database {shown}: {reason}") from exc
    if version != tables.SCHEMA_VERSION:
        engine.dispose()
        raise StoreError(
            f"{shown} has store schema version {version}; this storytrace reads version {tables.SCHEMA_VERSION}"
        )
    return Store(engine, shown)


def _sqlite_engine(url: str) -> Engine:
    """SQLite set up for several processes at once: WAL (readers never wait for the writer), a busy timeout, and
    transactions begun by us (the driver's own implicit BEGIN is turned off) so that writes say BEGIN IMMEDIATE."""
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # isolation_level None: pysqlite issues no BEGIN of its own; the "begin" listener below does
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        # WAL: the web app keeps reading while an ingest writes; a commit is durable once in the log, and a process
        # killed at any moment leaves the last committed state (the log is replayed on the next open)
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
        # A deferred transaction that reads and then writes cannot wait for the lock (SQLite answers "database is
        # locked" at once, to avoid a deadlock); IMMEDIATE takes the write lock at BEGIN, under the busy timeout.
        write = conn.get_execution_options().get("storytrace_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _create_schema(engine: Engine) -> str:
    """Create the tables when new and return the stored schema version; safe when many processes open a new database
    at once (one schema transaction at a time)."""
    with engine.connect() as conn:
        conn.execution_options(storytrace_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_SCHEMA_LOCK})
            tables.metadata.create_all(conn)
            version = conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(insert(tables.meta).values(key="schema_version", value=tables.SCHEMA_VERSION))
                version = tables.SCHEMA_VERSION
            elif version in tables.UPGRADABLE:
                from storytrace.store.flat import upgrade

                version = upgrade(conn, str(version))  # in this transaction: upgraded whole, or not at all
            return str(version)


def _retrying(work: Callable[[], str]) -> str:
    """Run ``work`` again with backoff while the database is busy (another process creating or writing it)."""
    delay = RETRY_FIRST_DELAY
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        try:
            return work()
        except SQLAlchemyError as exc:
            if not transient(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))  # jitter: writers that collided do not retry in step
        delay = min(delay * 2, RETRY_MAX_DELAY)
