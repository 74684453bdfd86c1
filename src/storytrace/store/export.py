"""``storytrace export``: a store's articles, stories and findings as flat tables, one file per table, for analysts'
tools (a spreadsheet, pandas, R, DuckDB).

The tables are the store's flat tables (:mod:`storytrace.store.tables`, written by :mod:`storytrace.store.flat` in
the transactions that write stories and articles), plus ``articles``, ``stories`` and ``story_articles`` with their
plain columns; every file is read in one read transaction, so an export taken while an ingest runs is one consistent
state. Columns keep the names and order of the tables; their meaning is documented in docs/store-and-web.md.

Formats: ``csv`` (UTF-8, a header row; NULL is an empty cell, booleans ``true``/``false``, numbers as Python writes
them, so :func:`read_csv` gives back exactly the rows stored), ``jsonl`` (one JSON object per row) and ``parquet``
(typed columns; needs pyarrow, the ``[export]`` or ``[ray]`` extra).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from storytrace.errors import MissingExtra, StoreError, UsageError
from storytrace.records import Article
from storytrace.store import tables as t
from storytrace.store.flat import Row, clean
from storytrace.store.store import Store, _short

Format = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
Kind = Literal["text", "integer", "real", "boolean"]
# rows fetched from the database at a time (PostgreSQL: a server-side cursor), and written to Parquet per row group
BATCH_ROWS = 2000


@dataclass(frozen=True)
class ExportColumn:
    name: str
    kind: Kind
    nullable: bool


# the plain columns of articles, from the stored Article JSON (the text last: it is by far the longest)
_articles = Table(
    "articles",
    MetaData(),
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=True),
    Column("outlet", Text, nullable=True),
    Column("byline", Text, nullable=True),
    Column("published", Text, nullable=True),
    Column("dateline", Text, nullable=True),
    Column("language", Text, nullable=True),
    Column("format", Text, nullable=True),
    Column("origin", Text, nullable=False),
    Column("origins", Text, nullable=False),  # JSON array
    Column("credits", Text, nullable=False),  # JSON array
    Column("n_sentences", Integer, nullable=False),
    Column("n_paragraphs", Integer, nullable=False),
    Column("added_at", Text, nullable=False),
    Column("text", Text, nullable=False),
)
_STORY_COLUMNS = ("id", "headline", "n_articles", "n_groups", "n_contested", "latest_published", "updated_at")

# file order: what an analyst opens first, then each finding before its details
EXPORT_TABLES: tuple[str, ...] = (
    "articles",
    "stories",
    "story_articles",
    "reuse",
    "reuse_evidence",
    "claims",
    "claim_mentions",
    "quotes",
    "quote_matches",
    "conflicts",
    "conflict_sides",
    "sources_cited",
    "verdicts",
    "decisions",  # the editor's review: what was confirmed, dismissed, merged, split or declared
)


def _kind(column: Any) -> Kind:
    if isinstance(column.type, Boolean):
        return "boolean"
    if isinstance(column.type, Integer):
        return "integer"
    if isinstance(column.type, Float):
        return "real"
    return "text"


def _source_table(name: str) -> Table:
    return _articles if name == "articles" else t.metadata.tables[name]


def columns(name: str) -> list[ExportColumn]:
    """The columns of one exported table, in file order."""
    table = _source_table(name)
    cols = [c for c in table.columns if name != "stories" or c.name in _STORY_COLUMNS]
    return [ExportColumn(c.name, _kind(c), bool(c.nullable)) for c in cols]


def article_row(article: Article, added_at: str) -> Row:
    return clean(
        _articles,
        {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "byline": article.byline,
            "published": article.published,
            "dateline": article.dateline,
            "language": article.language,
            "format": article.format,
            "origin": article.origin,
            "origins": json.dumps(article.origins or [article.origin], ensure_ascii=False, separators=(",", ":")),
            "credits": json.dumps(article.credits, ensure_ascii=False, separators=(",", ":")),
            "n_sentences": len(article.sentences),
            "n_paragraphs": len(article.paragraphs),
            "added_at": added_at,
            "text": article.text,
        },
    )


_IN_STORY_ORDER = ("claims", "quotes", "conflicts")
_DETAILS = {
    "claim_mentions": (t.claims, "claim_id"),
    "quote_matches": (t.quotes, "quote_id"),
    "conflict_sides": (t.conflicts, "conflict_id"),
}


def table_rows(conn: Connection, name: str) -> Iterator[Row]:
    """The rows of one exported table, in primary-key order (stable from one export to the next)."""
    if name == "articles":
        query = select(t.articles.c.data, t.articles.c.added_at).order_by(t.articles.c.id)
        for r in conn.execute(query.execution_options(yield_per=BATCH_ROWS)):
            yield article_row(Article.from_dict(json.loads(r.data)), r.added_at)
        return
    table = t.metadata.tables[name]
    wanted = [table.c[c.name] for c in columns(name)]
    # primary-key order, except that a story's claims, quotes and conflicts, and their details, keep the story's own
    # order (c2 before c10)
    query = select(*wanted)
    if name in _IN_STORY_ORDER:
        query = query.order_by(table.c.story_id, table.c.n)
    elif name in _DETAILS:
        parent, key = _DETAILS[name]
        query = query.join(parent, (parent.c.story_id == table.c.story_id) & (parent.c[key] == table.c[key]))
        query = query.order_by(table.c.story_id, parent.c.n, table.c.n)
    else:
        query = query.order_by(*table.primary_key.columns)
    for r in conn.execute(query.execution_options(yield_per=BATCH_ROWS)):
        yield dict(r._mapping)


@dataclass
class Exported:
    table: str
    path: Path
    rows: int


def export_store(store: Store, fmt: str, out: str | os.PathLike[str]) -> list[Exported]:
    """Write every exported table of ``store`` into the folder ``out`` as ``<table>.<fmt>`` (the folder is created;
    files of the same names are replaced whole, each only once it is complete)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _pyarrow()  # before anything is written
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; --out wants a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the folder {folder}: {exc.strerror or exc}") from exc
    done: list[Exported] = []
    try:
        with store.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # one snapshot for every table, as SQLite's read transaction gives (WAL)
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                for name in EXPORT_TABLES:
                    path = folder / f"{name}.{fmt}"
                    n = write_table(path, fmt, columns(name), table_rows(conn, name))
                    done.append(Exported(name, path, n))
    except SQLAlchemyError as exc:
        raise StoreError(f"database error ({store.url}): {_short(exc)}") from exc
    return done


def write_table(path: Path, fmt: str, cols: Sequence[ExportColumn], rows: Iterable[Row]) -> int:
    """Write one table to ``path`` (through a temporary file beside it, renamed when complete); returns the row
    count."""
    tmp = path.with_name(path.name + ".part")
    try:
        if fmt == "csv":
            n = _write_csv(tmp, cols, rows)
        elif fmt == "jsonl":
            n = _write_jsonl(tmp, cols, rows)
        elif fmt == "parquet":
            n = _write_parquet(tmp, cols, rows)
        else:
            raise UsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


# -- CSV ---------------------------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    return str(value)


def _write_csv(path: Path, cols: Sequence[ExportColumn], rows: Iterable[Row]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)  # RFC 4180 quoting: commas, quotes and line breaks inside a cell survive
        w.writerow([c.name for c in cols])
        for row in rows:
            w.writerow([_cell(row[c.name]) for c in cols])
            n += 1
    return n


def _value(cell: str, col: ExportColumn) -> Any:
    if cell == "":
        return None if col.nullable or col.kind != "text" else ""
    if col.kind == "integer":
        return int(cell)
    if col.kind == "real":
        return float(cell)
    if col.kind == "boolean":
        return {"true": True, "false": False}[cell]
    return cell


def read_csv(path: str | os.PathLike[str], table: str) -> list[Row]:
    """Read an exported CSV back with the csv module: the rows as they were stored (types from the table's columns)."""
    cols = {c.name: c for c in columns(table)}
    with Path(path).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if list(reader.fieldnames or []) != list(cols):
            raise UsageError(f"{path}: columns {reader.fieldnames} are not those of the {table} table")
        return [{k: _value(v, cols[k]) for k, v in r.items()} for r in reader]


# -- JSON Lines --------------------------------------------------------------------------------------------------------


def _write_jsonl(path: Path, cols: Sequence[ExportColumn], rows: Iterable[Row]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            line = json.dumps({c.name: row[c.name] for c in cols}, ensure_ascii=False)
            # U+2028/2029 are valid inside JSON strings but split lines for readers that honour Unicode line ends
            f.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")
            n += 1
    return n


# -- Parquet -----------------------------------------------------------------------------------------------------------


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise MissingExtra("pyarrow (for --format parquet)", "export") from exc
    return pyarrow


def _write_parquet(path: Path, cols: Sequence[ExportColumn], rows: Iterable[Row]) -> int:
    pa = _pyarrow()
    types = {"text": pa.string(), "integer": pa.int64(), "real": pa.float64(), "boolean": pa.bool_()}
    schema = pa.schema([pa.field(c.name, types[c.kind], nullable=c.nullable) for c in cols])
    n = 0
    with pa.parquet.ParquetWriter(str(path), schema) as writer:
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        # an empty table still gets its schema (a file with no rows, every column typed)
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        n += len(batch)
    return n
