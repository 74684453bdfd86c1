"""``storytrace stories``: the stored stories, filtered for triage (storytrace.dossier.triage), as a table or JSON.

Registered in cli.py; the body lives here so that the command line stays thin.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from storytrace.cli import _existing_db, counted, fail, out, shown
from storytrace.dossier.triage import DEFAULT_MIN_ARTICLES, TriageFilter, Triaged
from storytrace.errors import StorytraceError, UsageError
from storytrace.store import open_store
from storytrace.store.triage import triage_stories


_COUNTS = ("articles", "groups", "conflicts", "accused")


def build_filter(
    findings: Sequence[str] = (),
    severity: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_articles: int | None = None,
    show_all: bool = False,
    only_accused: bool = False,
    search: str | None = None,
) -> TriageFilter:
    """The filter the flags ask for (``UsageError``, exit 2, for a bad value); ``--all`` and ``--min-articles`` may
    not both be given."""
    if show_all and min_articles is not None and min_articles != 1:
        raise UsageError(f"--all shows every story; it cannot go with --min-articles {min_articles}")
    return TriageFilter.build(
        findings=findings,
        severity=severity,
        outlet=outlet,
        since=since,
        until=until,
        min_articles=1 if show_all else min_articles,
        accused=only_accused,
        search=search,
    )


def triaged_json(found: Triaged) -> str:
    """What ``storytrace stories --json`` prints (and ``/stories.json`` serves): the rows, the filter, the hidden
    count."""
    flt = found.filter
    body = {
        "filter": {
            "search": flt.search,
            "findings": sorted(flt.findings),
            "severity": flt.severity,
            "outlet": flt.outlet,
            "since": flt.since,
            "until": flt.until,
            "min_articles": flt.min_articles,
            "only_accused": flt.accused,
            "description": flt.describe(),
        },
        "total": found.total,
        "hidden_small": found.hidden_small,
        "stories": [r.to_dict() for r in found.rows],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def run_stories(db: str, flt: TriageFilter, sort: str, as_json: bool) -> None:
    try:
        with open_store(_existing_db(db)) as store:
            found = triage_stories(store, flt, sort)
    except StorytraceError as exc:
        fail(str(exc))
        return
    if as_json:
        sys.stdout.write(triaged_json(found))
        return
    title = counted(len(found.rows), "story")
    words = flt.describe(size=flt.min_articles != DEFAULT_MIN_ARTICLES)
    if words:
        title += f", {words}"
    # no column rules, so that ids and dates keep whole on an 80-column terminal; only the headline wraps
    table = Table(title=shown(title), box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("id", "headline", "articles", "groups", "conflicts", "accused", "latest"):
        # ids and dates are copied from here: folded onto a second line on a very narrow terminal, never cut
        table.add_column(
            name,
            overflow="fold",
            justify="right" if name in _COUNTS else "left",
            min_width={"id": 14, "latest": 10}.get(name),
        )
    for r in found.rows:
        cells = (
            r.id,
            r.headline,
            f"{r.n_articles:,}",
            f"{r.n_groups:,}",
            f"{r.conflicts:,}",
            f"{r.accusations:,}",
            r.latest_published or "",
        )
        table.add_row(*(Text(shown(c)) for c in cells))  # Text: a "[" in a headline is not rich markup
    out.print(table, markup=False, highlight=False)
    if found.hidden_small:
        size = "single-article" if flt.min_articles == 2 else f"smaller (under {flt.min_articles} articles)"
        noun = counted(found.hidden_small, f"{size} story", f"{size} stories")
        them = "it" if found.hidden_small == 1 else "them"
        out.print(f"{noun} hidden; --all shows {them}", highlight=False, markup=False)


__all__ = ["build_filter", "run_stories", "triaged_json"]
