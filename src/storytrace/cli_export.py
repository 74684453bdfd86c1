"""``storytrace export``: the store's tables as files for analysts (the library does the work:
:mod:`storytrace.store.export`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storytrace.errors import StorytraceError


def export(
    db: Annotated[
        str, typer.Option("--db", help="Database: a file (SQLite) or a postgresql:// URL.")
    ] = "storytrace.db",
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, jsonl or parquet (parquet needs pyarrow).")] = "csv",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the files, one per table (created if missing).")
    ] = Path("storytrace-export"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Write articles, stories, reuse links, claims, quotes, conflicts, sources cited and verdicts as flat tables,
    one file per table (exit 0: written; 2: error)."""
    # imported here, not at the top: storytrace.cli imports this module to register the command
    from storytrace.cli import _existing_db, fail, shown
    from storytrace.cli import out as console
    from storytrace.store import open_store
    from storytrace.store.export import export_store

    try:
        with open_store(_existing_db(db)) as store:
            written = export_store(store, fmt.lower(), out)
    except StorytraceError as exc:
        fail(str(exc))
        return
    if not quiet:
        console.print(
            f"{len(written)} tables written to {shown(out)}: " + ", ".join(f"{w.table} {w.rows}" for w in written),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
