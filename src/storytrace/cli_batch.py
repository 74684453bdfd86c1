"""``storytrace batch``: a pile too big for one dossier, on Ray Data, written as shards one story a row with an
index (the library does the work: :func:`storytrace.batch.run_batch`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from storytrace.errors import StorytraceError

SHOWN_SKIPPED = 20  # skipped lines printed; every one is in DIR/skipped.jsonl


def batch(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, URLs, or - for stdin.")],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the shards and the index (created if missing).")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, or parquet (needs pyarrow).")] = "jsonl",
    ray_cpus: Annotated[
        Optional[int], typer.Option("--ray-cpus", help="CPUs for a local Ray session (default: all).")
    ] = None,
    ray_address: Annotated[
        Optional[str],
        typer.Option("--ray-address", metavar="ADDR", help="Join a running Ray cluster: ray://HOST:10001 or auto."),
    ] = None,
    actors: Annotated[
        Optional[int], typer.Option("--actors", help="Parse and embed actors (default: one per CPU).")
    ] = None,
    field: Annotated[
        list[str], typer.Option("--field", help="JSON field mapping NAME=FIELD, e.g. text=article_body.")
    ] = [],  # noqa: B006
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress.")] = False,
) -> None:
    """Analyse a pile on Ray Data and write its stories as sharded dossiers, one story a row, with an index
    (exit 0: all read; 1: some skipped; 2: usage error)."""
    # imported here, not at the top: storytrace.cli imports this module to register the command
    from storytrace.batch import RaySettings, run_batch
    from storytrace.batch.output import check_format
    from storytrace.cli import build_options, counted, err, fail, print_skipped, shown
    from storytrace.cli import out as console
    from storytrace.progress import progress_for

    try:
        options = build_options(max_bytes, field, progress=not quiet)
        check_format(fmt)  # before Ray starts: a typo must not cost a cluster start-up
        settings = RaySettings(num_cpus=ray_cpus, address=ray_address, actors=actors)
        with progress_for(err, enabled=not quiet) as progress:
            report = run_batch(paths, out_dir, options, fmt, settings, progress)
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_skipped(report.skipped[:SHOWN_SKIPPED])
    if len(report.skipped) > SHOWN_SKIPPED:
        more = len(report.skipped) - SHOWN_SKIPPED
        err.print(
            f"... and {more:,} more skipped, listed in {shown(out_dir / 'skipped.jsonl')}",
            highlight=False,
            markup=False,
        )
    if not quiet:
        console.print(
            f"{counted(report.articles, 'article')}, {counted(report.stories, 'story')}, "
            f"{len(report.skipped):,} skipped; {counted(len(report.files), 'file')} and index.json in {shown(out_dir)}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if not report.articles and not report.skipped:
        fail("no input files found", 2)
    raise typer.Exit(1 if report.skipped else 0)
