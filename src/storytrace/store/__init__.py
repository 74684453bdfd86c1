"""The store: an embedded SQLite database (or PostgreSQL) that remembers articles and keeps stories up to date.

``open_store(url_or_path)`` takes a file path (SQLite), a ``sqlite:///`` URL, or a ``postgresql://`` URL (mapped to
SQLAlchemy's psycopg 3 driver, the ``[postgres]`` extra).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from storytrace.errors import MissingExtra, StoreError, UsageError
from storytrace.store import tables
from storytrace.store.store import SORTS, IngestReport, Store, StorySummary, UnknownId, count_contested

DEFAULT_DB = "storytrace.db"

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
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL: the web app keeps reading while an ingest writes
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    else:
        raise UsageError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")
    try:
        tables.metadata.create_all(engine)
        with engine.begin() as conn:
            version = conn.execute(select(tables.meta.c.value).where(tables.meta.c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(insert(tables.meta).values(key="schema_version", value=tables.SCHEMA_VERSION))
            elif version != tables.SCHEMA_VERSION:
                raise StoreError(
                    f"{shown} has store schema version {version}; this storytrace reads version {tables.SCHEMA_VERSION}"
                )
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"cannot open the database {shown}: {reason}") from exc
    return Store(engine, shown)
