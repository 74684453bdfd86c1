"""``storytrace review``: an editor confirms or dismisses findings, merges or splits stories, and declares what the
tool cannot know (a wire, one company, a press release). The library does the work
(:mod:`storytrace.store.decisions`); every command here parses, calls it, and prints one plain line per result.
Text from the articles goes through :func:`storytrace.cli.shown` before it reaches the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Optional

import typer

from storytrace.cli import _existing_db, counted, fail, out, shown
from storytrace.errors import StorytraceError
from storytrace.records import Decision, DecisionKind
from storytrace.store import Store, open_store
from storytrace.store import decisions as review
from storytrace.store.decisions import Review

app = typer.Typer(
    no_args_is_help=True,
    help="Confirm or dismiss findings, merge or split stories, declare wires, owners and press releases.",
)

Db = Annotated[str, typer.Option("--db", help="Database: a file (SQLite) or a postgresql:// URL.")]
Note = Annotated[Optional[str], typer.Option("--note", "-n", help="Why: shown beside the decision in the dossier.")]
Who = Annotated[Optional[str], typer.Option("--who", help="Who decides (shown with the decision).")]

STATES = {"confirm": "confirmed", "dismiss": "dismissed"}


def _say(line: str) -> None:
    out.print(line, highlight=False, markup=False, soft_wrap=True)


def _run(db: str, work: Callable[[Store], Review]) -> Review:
    try:
        with open_store(_existing_db(db)) as store:
            return work(store)
    except StorytraceError as exc:
        fail(str(exc))
        raise  # fail() exits; this keeps the type checker sure of the return


def _changed(r: Review) -> str:
    if not r.changed and not r.removed:
        return "no story needed analysing again"
    said = f"{counted(len(r.changed), 'story', 'stories')} analysed again"
    return said + (f", {len(r.removed)} merged into another" if r.removed else "")


def _decision_line(d: Decision) -> str:
    by = f" by {d.who}" if d.who else ""
    note = f" — note: {d.note}" if d.note else ""
    return shown(f"{d.kind} {d.key} ({d.when}{by}): {d.finding or ''}{note}")


@app.command("list")
def list_findings(
    story: Annotated[Optional[str], typer.Argument(help="A story id; without it, every stored decision.")] = None,
    db: Db = "storytrace.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A story's findings with their keys and decisions, its articles and the decisions that bear on it; or, with no
    story, every decision in the store."""
    from storytrace.dossier.html import article_labels

    try:
        with open_store(_existing_db(db)) as store:
            if story is None:
                decisions = store.decisions()
            else:
                dossier = store.dossier(story)
    except StorytraceError as exc:
        fail(str(exc))
        return
    if story is None:
        if as_json:
            _say(json.dumps([d.to_dict() for d in decisions], ensure_ascii=False, indent=2))
            return
        _say(f"{counted(len(decisions), 'decision')} in {shown(db)}")
        for d in decisions:
            _say("  " + _decision_line(d))
        return
    s = dossier.stories[0]
    labels = article_labels(dossier.articles)
    rows = review.reviewed(s, labels)
    if as_json:
        data = {
            "story": s.id,
            "headline": s.headline,
            "findings": [
                {
                    "key": r.finding.key,
                    "kind": r.finding.kind,
                    "ref": r.finding.ref,
                    "what": r.finding.what,
                    "decision": r.decision.to_dict() if r.decision else None,
                }
                for r in rows
            ],
            "articles": [{"id": a.id, "label": labels[a.id], "title": a.title} for a in dossier.articles],
            "decisions": [d.to_dict() for d in s.decisions],
        }
        _say(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _say(shown(f"{s.id}: {s.headline} ({counted(len(s.articles), 'article')})"))
    _say(f"{counted(len(rows), 'finding')} (confirm or dismiss one with its key, or the start of it):")
    width = max((len(r.finding.key) for r in rows), default=0)
    for r in rows:
        state = STATES.get(r.state or "", "-")
        note = f" — note: {r.decision.note}" if r.decision and r.decision.note else ""
        _say(shown(f"  {r.finding.key:<{width}}  {state:<9}  {r.finding.what}{note}"))
    others = [d for d in s.decisions if d.kind not in review.FINDING_DECISIONS]
    if others:
        _say("decisions on its grouping, outlets and articles:")
        for d in others:
            _say("  " + _decision_line(d))
    _say("articles:")
    for a in sorted(dossier.articles, key=lambda a: (a.published or "", a.id)):
        _say(shown(f"  {a.id}  {labels[a.id]}: {a.title or a.origin}"))


def _decide(kind: DecisionKind, key: str, note: str | None, who: str | None, db: str) -> None:
    r = _run(db, lambda store: review.decide_finding(store, kind, key, note, who))
    _say(shown(f"{STATES[kind]} {r.decision.key} in story {r.story}: {r.decision.finding}"))


@app.command()
def confirm(
    key: Annotated[str, typer.Argument(help="The finding's key (see `storytrace review list STORY`).")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Mark a finding as one the editor signs; it stays marked when the story is analysed again."""
    _decide("confirm", key, note, who, db)


@app.command()
def dismiss(
    key: Annotated[str, typer.Argument(help="The finding's key (see `storytrace review list STORY`).")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Mark a finding as wrong; the dossier shows it dismissed, with the note."""
    _decide("dismiss", key, note, who, db)


@app.command()
def merge(
    first: Annotated[str, typer.Argument(help="A story id.")],
    second: Annotated[str, typer.Argument(help="The story to merge into it.")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Keep the articles of two stories in one story, however new articles regroup them."""
    r = _run(db, lambda store: review.merge(store, first, second, note, who))
    _say(shown(f"merged {first} and {second} into story {r.story} ({r.decision.key}); {_changed(r)}"))


@app.command()
def split(
    story: Annotated[str, typer.Argument(help="A story id.")],
    articles: Annotated[list[str], typer.Argument(help="Ids (or starts of ids) of the articles to take out.")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Take articles out of a story into one story of their own."""
    r = _run(db, lambda store: review.split(store, story, articles, note, who))
    n = counted(len(r.decision.articles), "article")
    _say(shown(f"split {n} out of {story} into story {r.story} ({r.decision.key}); {_changed(r)}"))


def _declared(r: Review, what: str) -> None:
    stored = counted(r.matched, "stored article")
    _say(shown(f"{what} ({r.decision.key}): {stored} from it; {_changed(r)}"))


@app.command("declare-wire")
def declare_wire(
    outlet: Annotated[str, typer.Argument(help="The outlet's name, as its articles give it.")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Declare an outlet a wire service: papers that share its copy took it from the wire."""
    r = _run(db, lambda store: review.declare_wire(store, outlet, note, who))
    _declared(r, f"{r.decision.outlets[0]} declared a wire service")


@app.command("same-owner")
def same_owner(
    outlets: Annotated[list[str], typer.Argument(help="Two or more outlet names.")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Declare outlets one company: their articles count as one source group, never as independent confirmation."""
    r = _run(db, lambda store: review.same_owner(store, outlets, note, who))
    _declared(r, "one company: " + ", ".join(r.decision.outlets))


@app.command("press-release")
def press_release(
    article: Annotated[str, typer.Argument(help="The article's id (or the start of it).")],
    note: Note = None,
    who: Who = None,
    db: Db = "storytrace.db",
) -> None:
    """Declare a stored file a press release: a common source of the reports that take from it."""
    r = _run(db, lambda store: review.press_release(store, article, note, who))
    _say(shown(f"{r.decision.articles[0]} declared a press release ({r.decision.key}); {_changed(r)}"))


@app.command()
def undo(
    key: Annotated[str, typer.Argument(help="The decision's key (see `storytrace review list`).")],
    db: Db = "storytrace.db",
) -> None:
    """Remove a decision; stories it changed are analysed again."""
    r = _run(db, lambda store: review.undo(store, key))
    _say(shown(f"removed {r.decision.kind} {r.decision.key}: {r.decision.finding or ''}; {_changed(r)}"))


__all__ = ["app"]
