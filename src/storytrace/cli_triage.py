"""``storytrace stories``: the stored stories, filtered for triage (storytrace.dossier.triage), as a table or JSON.

Registered in cli.py; the body lives here so that the command line stays thin.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from storytrace.cli import _existing_db, counted, fail, out, shown
from storytrace.dossier.triage import DEFAULT_MIN_ARTICLES, Triaged, TriageFilter
from storytrace.errors import StorytraceError, UsageError
from storytrace.store import open_store
from storytrace.store.triage import triage_stories


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
    """What ``storytrace stories --json`` prints (``/stories.json`` serves the same): the rows, the filter, the
    hidden count."""
    return json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n"


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
    # one story in two lines (id and counts, then the headline): ids and dates stay whole on any terminal width,
    # and the headline wraps as long as it needs
    out.print(shown(title), highlight=False, markup=False)
    for r in found.rows:
        facts = [
            counted(r.n_articles, "article"),
            counted(r.n_groups, "independent group"),
            counted(r.conflicts, "conflict"),
            counted(r.accusations, "accusation"),
        ]
        if r.latest_published:
            facts.append(f"latest {r.latest_published}")
        out.print(f"{shown(r.id)}  {' · '.join(facts)}", highlight=False, markup=False, soft_wrap=True)
        out.print(f"    {shown(r.headline or '(no headline)')}", highlight=False, markup=False)
    if found.hidden_small:
        size = "single-article" if flt.min_articles == 2 else f"smaller (under {flt.min_articles} articles)"
        noun = counted(found.hidden_small, f"{size} story", f"{size} stories")
        them = "it" if found.hidden_small == 1 else "them"
        out.print(f"{noun} hidden; --all shows {them}", highlight=False, markup=False)


__all__ = ["build_filter", "run_stories", "triaged_json"]
