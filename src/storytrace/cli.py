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
    # Click's plain help: flags without a "<bool>" type beside them, and help texts printed as written (rich markup
    # would eat "[ray]" in "needs the [ray] extra")
    rich_markup_mode=None,
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
    # soft_wrap: one line whatever the width, so a log or a script sees the whole message on the line it greps
    err.print(f"[red]error:[/red] {rich_escape(shown(message))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def print_skipped(skipped: Sequence[Skipped]) -> None:
    for s in skipped:
        err.print(f"skipped {shown(s.origin)}: {shown(s.reason)}", highlight=False, markup=False, soft_wrap=True)


def _field_map(values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise UsageError(f"--field wants NAME=FIELD (e.g. text=article_body), got {v!r}")
        k, f = v.split("=", 1)
        k = k.strip().lower()
        if k in mapping and mapping[k] != f.strip():
            raise UsageError(f"--field {k} is given twice ({mapping[k]!r} and {f.strip()!r})")
        mapping[k] = f.strip()
    return mapping


def build_options(max_bytes: int, fields: list[str], progress: bool) -> Options:
    """The run's options; ``UsageError`` (exit 2) for a bad ``--field`` or ``--max-bytes`` before anything is read."""
    return Options(ingest=IngestOptions(max_bytes=max_bytes, field_map=_field_map(fields)), progress=progress)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: "1 story", "3 stories", "0 conflicts"."""
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n:,} {plural}"


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
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH", help="Files, directories (recursive), globs, URLs, or - for stdin."),
    ],
    json_out: Annotated[
        Optional[Path], typer.Option("--json", metavar="FILE", help="Write the JSON dossier here.")
    ] = None,
    html_out: Annotated[
        Optional[Path], typer.Option("--html", metavar="FILE", help="Write the HTML report here.")
    ] = None,
    md_out: Annotated[
        Optional[Path], typer.Option("--md", metavar="FILE", help="Write the Markdown dossier here.")
    ] = None,
    field: Annotated[
        list[str],
        typer.Option("--field", metavar="NAME=FIELD", help="JSON field mapping, e.g. text=article_body (repeatable)."),
    ] = [],  # noqa: B006
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Skip inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress bar.")] = False,
    ray: Annotated[bool, typer.Option("--ray", help="Run the stages on Ray Data (needs the [ray] extra).")] = False,
    ray_cpus: Annotated[
        Optional[int], typer.Option("--ray-cpus", metavar="N", help="CPUs for a local Ray session (default: all).")
    ] = None,
    only_accused: Annotated[
        bool,
        typer.Option(
            "--only-accused",
            help="The HTML and Markdown report show only stories with an accusation (the JSON keeps every story).",
        ),
    ] = False,
    min_articles: Annotated[
        int,
        typer.Option(
            "--min-articles", metavar="N", help="The HTML and Markdown report show only stories of N articles or more."
        ),
    ] = 1,
) -> None:
    """Analyse articles and write the dossier (exit 0: all read; 1: some skipped; 2: usage error)."""
    from storytrace.dossier import dossier_json
    from storytrace.dossier.html import render_html
    from storytrace.dossier.markdown import render_markdown
    from storytrace.dossier.triage import TriageFilter, filter_dossier
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
        report_filter = TriageFilter.build(min_articles=min_articles, accused=only_accused)  # checked before reading
        with progress_for(err, enabled=not quiet) as progress:
            dossier = run_analysis(paths, options, progress)
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_skipped(dossier.skipped)
    if json_out:
        json_out.write_text(dossier_json(dossier), encoding="utf-8")
    shown_dossier, words = dossier, None
    if report_filter.narrows or report_filter.min_articles > 1:
        shown_dossier, words = filter_dossier(dossier, report_filter), report_filter.describe()
    total = len(dossier.stories)
    if html_out:
        html_out.write_text(render_html(shown_dossier, filtered=words, total=total), encoding="utf-8")
    if md_out:
        md_out.write_text(render_markdown(shown_dossier, filtered=words, total=total), encoding="utf-8")
    if not quiet:
        print_summary(dossier)
    if not dossier.articles and not dossier.skipped:
        fail("no input files found", 2)
    raise typer.Exit(1 if dossier.skipped else 0)


def print_summary(dossier: Dossier) -> None:
    from storytrace.ingest.language import read_as_english

    apart = sum(not read_as_english(a.language) for a in dossier.articles)
    line = f"{counted(len(dossier.articles), 'article')}, {counted(len(dossier.stories), 'story')}, "
    line += f"{len(dossier.skipped):,} skipped"
    if apart:
        # they stay in the dossier, flagged with their language; the English-only stages do not read them
        line += f"; {counted(apart, 'article')} not in English set aside (no claims read, never compared with English)"
    out.print(line, highlight=False, markup=False)
    for story in dossier.stories:
        n_corr = sum(c.status == "corroborated" for c in story.claims)
        n_add = sum(c.status == "unsupported_addition" for c in story.claims)
        n_alt = sum(q.fidelity == "altered" for q in story.quotes)
        out.print(
            f"- {shown(story.headline)}: {counted(len(story.articles), 'article')}, "
            f"{counted(len(story.groups), 'independent group')}, {counted(len(story.reuse), 'reuse link')}, "
            f"{counted(n_corr, 'corroborated claim')}, {n_add:,} added by a rewrite, "
            f"{counted(n_alt, 'altered quote')}, {counted(len(story.conflicts), 'conflict')}",
            highlight=False,
            markup=False,
        )


# --------------------------------------------------------------------------------------------------------------------
# The store: ingest, stories, show, serve

DbOption = Annotated[
    str,
    typer.Option("--db", metavar="FILE|URL", help="Database: a file (SQLite, created if new) or a postgresql:// URL."),
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
    regroup: Annotated[
        bool, typer.Option("--regroup", help="Regroup every stored article, not only attach the new ones.")
    ] = False,
) -> None:
    """Add articles to the database and update its stories (exit 0: all read; 1: some skipped; 2: error)."""
    from storytrace.store import open_store

    try:
        options = build_options(max_bytes, field, progress=not quiet)
        with open_store(db) as store, progress_for(err, enabled=not quiet) as progress:
            report = store.ingest(paths, options, progress, regroup=regroup)
            n_stories = len(store.list_stories())
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_skipped(report.skipped)
    if not quiet:
        out.print(
            f"{counted(len(report.added), 'new article')}, {len(report.merged):,} with a new origin, "
            f"{len(report.unchanged):,} already stored, {len(report.skipped):,} skipped; "
            f"{counted(len(report.stories_changed), 'story', 'stories')} updated, {n_stories:,} in {shown(db)}",
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
    search: Annotated[
        Optional[str], typer.Option("--search", "-s", metavar="WORD", help="Only stories mentioning this.")
    ] = None,
    sort: Annotated[
        str,
        typer.Option("--sort", metavar="ORDER", help="size, recent, contested (most conflicts) or accusations."),
    ] = "size",
    finding: Annotated[
        list[str],
        typer.Option(
            "--finding",
            metavar="KIND",
            help="Only stories with this finding: reuse (decided), addition, conflict or quote (altered); "
            "repeat for any of several.",
        ),
    ] = [],  # noqa: B006
    severity: Annotated[
        Optional[str],
        typer.Option("--severity", metavar="high|low", help="Only conflicts of this severity count."),
    ] = None,
    outlet: Annotated[
        Optional[str], typer.Option("--outlet", metavar="NAME", help="Only stories with an article by this outlet.")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help="Only stories with an article on or after DATE.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help="Only stories with an article on or before DATE.")
    ] = None,
    min_articles: Annotated[
        Optional[int],
        typer.Option("--min-articles", metavar="N", help="Only stories of N articles or more (default 2)."),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every story, single-article ones too (--min-articles 1).")
    ] = False,
    only_accused: Annotated[
        bool,
        typer.Option(
            "--only-accused",
            help="Only stories with an accusation: decided reuse, an added claim, a conflict or an altered quote.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (rows, filter, hidden count).")] = False,
) -> None:
    """List the stories in the database, most worth reading first; single-article stories hidden unless --all."""
    from storytrace.cli_triage import build_filter, run_stories

    try:
        flt = build_filter(finding, severity, outlet, since, until, min_articles, show_all, only_accused, search)
    except StorytraceError as exc:
        fail(str(exc))
        return
    run_stories(db, flt, sort, as_json)


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
    port: Annotated[int, typer.Option("--port", metavar="N", help="Port to listen on (0: any free port).")] = 8000,
    create: Annotated[
        bool, typer.Option("--create", help="Create the database when there is none (an empty store).")
    ] = False,
) -> None:
    """Browse the database in a local web app."""
    from storytrace.web import create_app
    from storytrace.web.serve import listen, run, url_of

    if not create and "://" not in db and not Path(db).exists():
        fail(f"no database at {db} (fill one with: storytrace ingest PATH --db {db}; or serve an empty one: --create)")
    try:
        app_ = create_app(db, allowed_hosts=_allowed_hosts(host))
        sock = listen(host, port)  # bound first: what is printed next is where it listens
    except StorytraceError as exc:
        fail(str(exc))
        return
    out.print(
        f"storytrace: serving {shown(db)} at {url_of(sock)}  (Ctrl-C to stop)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    sys.stdout.flush()
    run(app_, sock)


@app.command()
def outlets(
    name: Annotated[Optional[str], typer.Argument(help="One outlet: its articles story by story.")] = None,
    db: DbOption = "storytrace.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Outlets across the stored stories: original, copies, rewrites; whom each takes from, and with what credit."""
    from storytrace.cli_outlets import run_outlets

    run_outlets(db, as_json=as_json, name=name)


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


# commands kept in their own modules
from storytrace.cli_export import export as _export  # noqa: E402

app.command(name="export")(_export)

from storytrace.cli_compare import compare as _compare  # noqa: E402
from storytrace.cli_explain import explain as _explain  # noqa: E402

app.command(name="explain")(_explain)
app.command(name="compare")(_compare)

from storytrace.cli_batch import batch as _batch  # noqa: E402

app.command(name="batch")(_batch)

from storytrace.cli_review import app as _review  # noqa: E402

app.add_typer(_review, name="review")


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    run()
