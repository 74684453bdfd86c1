"""``storytrace compare A B``: two articles side by side on the terminal, and as an HTML page with ``--html``.

The library does the work (:mod:`storytrace.compare`); this module reads the flags, prints, and turns our errors into
one line. Text from the articles goes through :func:`storytrace.cli.shown` into ``rich.text.Text`` cells, never
markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.compare import Comparison, mention_text

_STATUS = {"corroborated": "corroborated", "single_source": "single source", "unsupported_addition": "ADDED"}


def _pair_table(c: Comparison, title: str | None) -> Table:
    from storytrace.cli import shown

    table = Table(title=title, expand=True, show_lines=True, title_justify="left")
    table.add_column(Text(shown(c.labels[c.left.id])), ratio=1)
    table.add_column(Text(shown(c.labels[c.right.id])), ratio=1)
    return table


def print_comparison(console: Console, c: Comparison) -> None:
    from storytrace.cli import shown

    def say(text: str, style: str = "") -> None:
        console.print(Text(text, style=style), highlight=False, markup=False, soft_wrap=True)

    for side, a in (("left", c.left), ("right", c.right)):
        meta = " · ".join(x for x in (a.outlet if a.outlet != c.labels[a.id] else None, a.published, a.title) if x)
        say(f"{side}: {shown(c.labels[a.id])} — {shown(meta)} ({shown(a.origin)})")
    say("")
    say(shown(c.verdict), "bold")
    for b in c.because:
        say(f"  because {shown(b.reason)}")
        for who, text in b.sentences:
            say(f"    {shown(who)}: “{shown(text)}”")
        for who, name, value in b.fields:
            say(f"    {shown(who)}, {name}: {shown(value)}")
    if c.tie is not None:
        t = c.tie
        shared = "; ".join(
            f"{what}: {', '.join(shown(v) for v in values)}"
            for what, values in (("names", t.names), ("figures", t.figures), ("dates", t.dates))
            if values
        )
        say(
            f"grouping: {'one story' if c.same_story else 'different stories'}, pair score {t.score:.2f} "
            f"(content words {t.words:.2f}, lead {t.lead:.2f}; threshold {c.threshold:.2f})"
            + (f"; shared {shared}" if shared else "")
        )
    if c.passages:
        table = _pair_table(c, "Shared passages")
        for p in c.passages:
            note = f"[{p.match} {p.similarity:.2f}{', holds a quote' if p.quoted else ''}] "
            table.add_row(Text(note + shown(p.left)), Text(shown(p.right)))
        console.print(table)
    else:
        say("no shared passages")
    if c.quotes:
        table = _pair_table(c, "Shared quotes")
        for q in c.quotes:
            fl, fr = (q.fidelity.get(side, "—").replace("_", " ") for side in ("left", "right"))
            table.add_row(Text(f"[{fl}] “{shown(q.left)}”"), Text(f"[{fr}] “{shown(q.right)}”"))
        console.print(table)
    if c.conflicts:
        say("Conflicts between them", "italic")
        for x in c.conflicts:
            say(f"[{x.severity} {x.kind}] {shown(x.explanation)}", "bold" if x.severity == "high" else "")
            table = _pair_table(c, None)
            left = " ".join(s.text for s in x.sides if s.article == c.left.id)
            right = " ".join(s.text for s in x.sides if s.article == c.right.id)
            table.add_row(Text(shown(left)), Text(shown(right)))
            console.print(table)
    else:
        say("no conflicts found")
    table = _pair_table(c, "What each has alone")
    rows = max(len(c.only_left), len(c.only_right))
    for n in range(rows):
        cells = []
        for claims, a in ((c.only_left, c.left), (c.only_right, c.right)):
            if n < len(claims):
                claim = claims[n]
                cells.append(Text(f"[{_STATUS.get(claim.status, claim.status)}] {shown(mention_text(c, claim, a.id))}"))
            else:
                cells.append(Text(""))
        table.add_row(*cells)
    if rows:
        console.print(table)
    else:
        say("neither states anything the other does not")


def compare(
    a: Annotated[str, typer.Argument(help="The first article: a file, a URL, - for stdin, or a stored id with --db.")],
    b: Annotated[str, typer.Argument(help="The second article, the same way.")],
    db: Annotated[
        Optional[str], typer.Option("--db", help="Read ids that are not paths from this database (file or URL).")
    ] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write the side-by-side page here.")] = None,
    field: Annotated[
        list[str], typer.Option("--field", help="JSON field mapping NAME=FIELD, e.g. text=article_body.")
    ] = [],  # noqa: B006
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Refuse inputs larger than this.")] = 20 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing (with --html).")] = False,
) -> None:
    """Compare two articles: shared passages and quotes, what each has alone, the reuse verdict and its direction,
    and the conflicts between them (exit 0; 2: error)."""
    # imported here, not at the top: storytrace.cli imports this module to register the command
    from storytrace.cli import _existing_db, build_options, fail
    from storytrace.cli import out as console
    from storytrace.compare import compare_inputs, render_compare_html
    from storytrace.errors import StorytraceError

    try:
        options = build_options(max_bytes, field, progress=False)
        result = compare_inputs(a, b, options, _existing_db(db) if db is not None else None)
        page = render_compare_html(result) if html_out is not None else None
        if html_out is not None and page is not None:
            try:
                html_out.write_text(page, encoding="utf-8")
            except OSError as exc:
                fail(f"{html_out}: cannot be written ({exc.strerror or type(exc).__name__})")
    except StorytraceError as exc:
        fail(str(exc))
        return
    if not quiet:
        print_comparison(console, result)
