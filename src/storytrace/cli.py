"""The command line: thin. Each command parses flags, calls the library, and turns our errors into one line."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape as rich_escape

from storytrace import __version__
from storytrace.errors import StorytraceError, UsageError
from storytrace.options import IngestOptions, Options
from storytrace.progress import progress_for
from storytrace.records import Dossier, Skipped

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="storytrace: which articles tell the same story, who copied whom, what stands on independent sources.",
)
err = Console(stderr=True)
out = Console()

# Characters never printed as they are: C0 and C1 controls (ESC starts CSI/OSC sequences that move the cursor,
# retitle the window or clear the screen; CR and newline would forge or split a line), DEL, the Unicode line and
# paragraph separators, and the bidirectional overrides and isolates that reorder what follows them on screen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """``text`` safe to print on a terminal: every unsafe character as a visible escape (``\\x1b``, ``\\n``,
    ``\\u202e``); a lone surrogate (a file name that is not UTF-8) as ``\\udcff``."""
    s = str(text)
    s = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)
    if any("\ud800" <= c <= "\udfff" for c in s):
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return s


def fail(message: str, code: int = 2) -> None:
    err.print(f"[red]error:[/red] {rich_escape(shown(message))}", highlight=False, markup=True)
    raise typer.Exit(code)


def print_skipped(skipped: Sequence[Skipped]) -> None:
    for s in skipped:
        err.print(f"skipped {shown(s.origin)}: {shown(s.reason)}", highlight=False, markup=False, soft_wrap=True)


def _field_map(values: list[str]) -> dict[str, str]:
    mapping = {}
    for v in values:
        if "=" not in v:
            raise UsageError(f"--field wants NAME=FIELD (e.g. text=article_body), got {v!r}")
        k, f = v.split("=", 1)
        mapping[k.strip()] = f.strip()
    return mapping


def build_options(max_bytes: int, fields: list[str], progress: bool) -> Options:
    return Options(ingest=IngestOptions(max_bytes=max_bytes, field_map=_field_map(fields)), progress=progress)


def version_callback(value: bool) -> None:
    if value:
        out.print(f"storytrace {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """storytrace command line."""


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, URLs, or - for stdin.")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the JSON dossier here.")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write the HTML report here.")] = None,
    md_out: Annotated[Optional[Path], typer.Option("--md", help="Write the Markdown dossier here.")] = None,
    field: Annotated[
        list[str], typer.Option("--field", help="JSON field mapping NAME=FIELD, e.g. text=article_body.")
    ] = [],  # noqa: B006
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress bar.")] = False,
    ray: Annotated[bool, typer.Option("--ray", help="Run the stages on Ray Data (needs the [ray] extra).")] = False,
    ray_cpus: Annotated[
        Optional[int], typer.Option("--ray-cpus", help="CPUs for a local Ray session (default: all).")
    ] = None,
) -> None:
    """Analyse articles and write the dossier (exit 0: all read; 1: some skipped; 2: usage error)."""
    from storytrace.dossier import dossier_json
    from storytrace.dossier.html import render_html
    from storytrace.dossier.markdown import render_markdown
    from storytrace.pipeline import Progress as ProgressFn
    from storytrace.pipeline import analyze as in_process
    from storytrace.pipeline import no_progress

    def run_analysis(paths: list[str], options: Options, progress: ProgressFn = no_progress) -> Dossier:
        if ray:
            from storytrace.batch import analyze_with_ray

            return analyze_with_ray(paths, options, num_cpus=ray_cpus, progress=progress)
        return in_process(paths, options, progress)

    try:
        options = build_options(max_bytes, field, progress=not quiet)
        with progress_for(err, enabled=not quiet) as progress:
            dossier = run_analysis(paths, options, progress)
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_skipped(dossier.skipped)
    if json_out:
        json_out.write_text(dossier_json(dossier), encoding="utf-8")
    if html_out:
        html_out.write_text(render_html(dossier), encoding="utf-8")
    if md_out:
        md_out.write_text(render_markdown(dossier), encoding="utf-8")
    if not quiet:
        print_summary(dossier)
    if not dossier.articles and not dossier.skipped:
        fail("no input files found", 2)
    raise typer.Exit(1 if dossier.skipped else 0)


def print_summary(dossier: Dossier) -> None:
    out.print(f"{len(dossier.articles)} articles, {len(dossier.stories)} stories, {len(dossier.skipped)} skipped")
    for story in dossier.stories:
        n_corr = sum(c.status == "corroborated" for c in story.claims)
        n_add = sum(c.status == "unsupported_addition" for c in story.claims)
        n_alt = sum(q.fidelity == "altered" for q in story.quotes)
        out.print(
            f"- {shown(story.headline)}: {len(story.articles)} articles, {len(story.groups)} independent groups, "
            f"{len(story.reuse)} reuse links, {n_corr} corroborated claims, {n_add} added by a rewrite, "
            f"{n_alt} altered quotes, {len(story.conflicts)} conflicts",
            highlight=False,
            markup=False,
        )


# --------------------------------------------------------------------------------------------------------------------
# The store: ingest, stories, show, serve

DbOption = Annotated[
    str, typer.Option("--db", help="Database: a file (SQLite, created if new) or a postgresql:// URL.")
]


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive), globs, URLs, or - for stdin.")],
    db: DbOption = "storytrace.db",
    field: Annotated[
        list[str], typer.Option("--field", help="JSON field mapping NAME=FIELD, e.g. text=article_body.")
    ] = [],  # noqa: B006
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress.")] = False,
) -> None:
    """Add articles to the database and update its stories (exit 0: all read; 1: some skipped; 2: error)."""
    from storytrace.store import open_store

    try:
        options = build_options(max_bytes, field, progress=not quiet)
        with open_store(db) as store, progress_for(err, enabled=not quiet) as progress:
            report = store.ingest(paths, options, progress)
            n_stories = len(store.list_stories())
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_skipped(report.skipped)
    if not quiet:
        out.print(
            f"{len(report.added)} new articles, {len(report.merged)} with a new origin, "
            f"{len(report.unchanged)} already stored, {len(report.skipped)} skipped; "
            f"{len(report.stories_changed)} stories updated, {n_stories} in {shown(db)}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if not (report.added or report.merged or report.unchanged or report.skipped):
        fail("no input files found", 2)
    raise typer.Exit(1 if report.skipped else 0)


@app.command()
def stories(
    db: DbOption = "storytrace.db",
    search: Annotated[Optional[str], typer.Option("--search", "-s", help="Only stories mentioning this.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="size, recent or contested.")] = "size",
) -> None:
    """List the stories in the database."""
    from rich.table import Table
    from rich.text import Text

    from storytrace.store import open_store

    try:
        with open_store(_existing_db(db)) as store:
            rows = store.list_stories(search, sort)
    except StorytraceError as exc:
        fail(str(exc))
        return
    table = Table("id", "headline", "articles", "groups", "contested", "latest", title=f"{len(rows)} stories")
    for r in rows:
        cells = (r.id, r.headline, str(r.n_articles), str(r.n_groups), str(r.n_contested), r.latest_published or "")
        table.add_row(*(Text(shown(c)) for c in cells))  # Text: a "[" in a headline is not rich markup
    out.print(table, markup=False, highlight=False)


@app.command()
def show(
    story: Annotated[str, typer.Argument(help="The story id (see `storytrace stories`).")],
    db: DbOption = "storytrace.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print the story's JSON dossier.")] = False,
    as_md: Annotated[bool, typer.Option("--md", help="Print the story's Markdown dossier.")] = False,
) -> None:
    """Show one story from the database."""
    from storytrace.dossier import dossier_json
    from storytrace.dossier.markdown import render_markdown
    from storytrace.store import open_store

    if as_json and as_md:
        fail("choose one of --json and --md")
    try:
        with open_store(_existing_db(db)) as store:
            dossier = store.dossier(story)
    except StorytraceError as exc:
        fail(str(exc))
        return
    if as_json:
        sys.stdout.write(dossier_json(dossier))
    elif as_md:
        sys.stdout.write(render_markdown(dossier))
    else:
        print_summary(dossier)
        names = {a.id: a.outlet or a.title or a.origin for a in dossier.articles}
        for n, group in enumerate(dossier.stories[0].groups, 1):
            out.print(
                f"  group {n}: " + ", ".join(f"{shown(names[a])} ({shown(a)})" for a in group),
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


@app.command()
def serve(
    db: DbOption = "storytrace.db",
    host: Annotated[str, typer.Option("--host", help="Address to bind (keep 127.0.0.1 unless you mean it).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Browse the database in a local web app."""
    import uvicorn

    from storytrace.web import create_app

    try:
        app_ = create_app(db, allowed_hosts=_allowed_hosts(host))
    except StorytraceError as exc:
        fail(str(exc))
        return
    addr = f"[{host}]" if ":" in host else host
    out.print(
        f"storytrace: serving {shown(db)} at http://{shown(addr)}:{port}/  (Ctrl-C to stop)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    sys.stdout.flush()
    # a local tool: Ctrl-C must not hang on a browser's idle keep-alive connections
    uvicorn.run(app_, host=host, port=port, log_level="warning", server_header=False, timeout_graceful_shutdown=2)


def _allowed_hosts(host: str) -> list[str] | None:
    """Host headers the app answers: the bound address and localhost (a guard against DNS rebinding); any when
    bound to every interface."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - the user asked for it
        return None
    return sorted({host, "127.0.0.1", "localhost", "::1", "[::1]"})


def _existing_db(db: str) -> str:
    """Reading commands must not create an empty database by mistake."""
    if "://" not in db and not Path(db).exists():
        fail(f"no database at {db} (create one with: storytrace ingest PATH --db {db})")
    return db


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    run()
