"""``storytrace outlets``: outlets across the stored stories (storytrace.store.outlets), as a table or JSON.

Registered in cli.py; the body lives here so that the command line stays thin.
"""

from __future__ import annotations

import json
import sys

from rich.table import Table
from rich.text import Text

from storytrace.cli import _existing_db, fail, out, shown
from storytrace.errors import StorytraceError
from storytrace.records import to_jsonable
from storytrace.store import open_store
from storytrace.store.outlets import (
    VERDICT_KINDS,
    OutletDetail,
    OutletsReport,
    SourceTally,
    credit_share,
    get_outlet,
    list_outlets,
)


def top_source(takes_from: list[SourceTally]) -> str:
    if not takes_from:
        return ""
    t = takes_from[0]
    return f"{t.outlet} ({t.links})"


def run_outlets(db: str, as_json: bool = False, name: str | None = None) -> None:
    """The command's body: every outlet, or one (``name``) with its articles story by story."""
    try:
        with open_store(_existing_db(db)) as store:
            found: OutletsReport | OutletDetail = get_outlet(store, name) if name is not None else list_outlets(store)
    except StorytraceError as exc:
        fail(str(exc))
        return
    if as_json:
        sys.stdout.write(json.dumps(to_jsonable(found), ensure_ascii=False, indent=2) + "\n")
    elif isinstance(found, OutletDetail):
        _print_detail(found)
    else:
        _print_list(found)


def _cells(*values: object) -> list[Text]:
    return [Text(shown(v)) for v in values]  # Text: a "[" in an outlet name is not rich markup


def _print_list(report: OutletsReport) -> None:
    kinds = [k for k in VERDICT_KINDS if any(o.verdicts.get(k) for o in report.outlets)]
    table = Table(
        "outlet", "articles", "stories", *kinds, "takes most from", "credit", title=f"{len(report.outlets)} outlets"
    )
    for o in report.outlets:
        table.add_row(
            *_cells(
                o.name,
                o.articles,
                o.stories,
                *(o.verdicts.get(k, 0) for k in kinds),
                top_source(o.takes_from),
                credit_share(o.credited, o.uncredited, o.unknown),
            )
        )
    out.print(table, markup=False, highlight=False)
    if report.unnamed_articles:
        out.print(f"{report.unnamed_articles} articles name no outlet", markup=False, highlight=False)


def _print_detail(detail: OutletDetail) -> None:
    o = detail.outlet
    kinds = ", ".join(f"{n} {k if k != 'none' else 'no verdict'}" for k, n in o.verdicts.items() if n)
    out.print(f"{shown(o.name)}: {o.articles} articles in {o.stories} stories; {kinds}", markup=False, highlight=False)
    for label, tallies in (("takes from", o.takes_from), ("taken from by", detail.taken_by)):
        for t in tallies:
            out.print(
                f"  {label} {shown(t.outlet)}: {t.links} ({credit_share(t.credited, t.uncredited, t.unknown)})",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    table = Table("story", "article", "published", "verdict", "sources", title="articles")
    for row in detail.articles:
        verdict = row.verdict.verdict if row.verdict else "no verdict"
        sources = "; ".join(
            f"{s.outlet} ({s.kind}{', credited' if s.credited else ', uncredited' if s.credited is False else ''})"
            for s in row.sources
        )
        table.add_row(*_cells(row.story, row.article, row.published or "", verdict, sources))
    out.print(table, markup=False, highlight=False)


__all__ = ["run_outlets"]
