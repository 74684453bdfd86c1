"""``storytrace explain STORY``: why each finding of one story, from the dossier's own records.

Why these articles are one story (``Story.ties``: the pair scores and what each pair shares), why each reuse
direction (``Reuse.reasons`` with the sentences or fields in ``Reuse.grounds``), why each claim's status
(``StoryClaim.reason``), each conflict (its explanation and both sides) and each quote's fidelity
(``StoryQuote.reason``). Nothing is recomputed: a dossier read back says what the run that made it found.

Every piece of text from an article goes through :func:`storytrace.cli.shown` and into a ``rich.text.Text`` (never
markup), so escape sequences and brackets in a stranger's text print as what they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.text import Text

from storytrace.errors import SchemaError, StorytraceError, UsageError
from storytrace.records import Article, Dossier, SentenceRef, Story

HEADING = "bold"
LABEL = "cyan"
WHY = "italic"
MAX_QUOTED = 300  # characters of one sentence shown; the dossier has the rest


def load_dossier(path: Path) -> Dossier:
    """A JSON dossier read back and checked against the contract; a ``UsageError`` naming the file otherwise."""
    from storytrace.dossier import validate

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot be read ({type(exc).__name__})") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise UsageError(f"{path}: not JSON{where}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: not a storytrace dossier (a JSON object is expected)")
    try:
        validate(data)
    except SchemaError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return Dossier.from_dict(data)


def find_story(dossier: Dossier, story_id: str, where: str) -> Story:
    for story in dossier.stories:
        if story.id == story_id:
            return story
    known = ", ".join(s.id for s in dossier.stories[:5]) + (", ..." if len(dossier.stories) > 5 else "")
    raise UsageError(f"no story {story_id} in {where}" + (f" (it has {known})" if known else " (it has none)"))


class _Say:
    """Builds the lines of an explanation: labels and headings styled, everything from the articles plain text."""

    def __init__(self, dossier: Dossier, story: Story) -> None:
        from storytrace.cli import shown
        from storytrace.dossier.html import article_labels

        self.shown = shown
        self.articles: dict[str, Article] = {a.id: a for a in dossier.articles}
        self.labels = article_labels([self.articles[a] for a in story.articles if a in self.articles])
        self.story = story

    def name(self, article: str) -> str:
        return self.shown(self.labels.get(article, article))

    def sentence(self, article: str, ref: SentenceRef | None) -> str:
        a = self.articles.get(article)
        if a is None or ref is None:
            return ""
        idx = ref if isinstance(ref, list) else [ref]
        text = " ".join(a.sentence_text(i) for i in idx if 0 <= i < len(a.sentences))
        text = " ".join(text.split())
        return self.shown(text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…")

    def quoted(self, indent: int, who: str, text: str, extra: str = "") -> Text:
        line = Text(" " * indent)
        line.append(who, style=LABEL)
        line.append(": “" + text + "”" + extra)
        return line


def explain_lines(dossier: Dossier, story: Story) -> Iterator[Text]:
    """The explanation of one story, line by line (rich Text: no markup is read from any of it)."""
    say = _Say(dossier, story)
    shown = say.shown
    yield Text(f"{shown(story.headline)}", style="bold underline")
    yield Text(f"story {shown(story.id)}: {len(story.articles)} articles, {len(story.groups)} independent groups")
    yield from _ties(say)
    yield from _reuse(say)
    yield from _claims(say)
    yield from _conflicts(say)
    yield from _quotes(say)


def _heading(text: str) -> Text:
    return Text("\n" + text, style=HEADING)


def _ties(say: _Say) -> Iterator[Text]:
    story = say.story
    yield _heading("Why these articles are one story")
    if len(story.articles) < 2:
        yield Text("  one article: nothing ties it to another")
        return
    if not story.ties:
        yield Text("  no ties recorded (this dossier was made before storytrace recorded them: analyse again)")
        return
    for tie in story.ties:
        a, b = tie.articles
        line = Text("  ")
        line.append(say.name(a), style=LABEL)
        line.append(" — ")
        line.append(say.name(b), style=LABEL)
        parts = [f"content words {tie.words:.2f}", f"lead {tie.lead:.2f}"]
        if tie.days_apart is not None:
            parts.append(_apart(tie.days_apart))
        line.append(f": score {tie.score:.2f} ({', '.join(parts)})")
        yield line
        for what, values in (("names", tie.names), ("figures", tie.figures), ("dates", tie.dates)):
            if values:
                yield Text(f"    shared {what}: " + ", ".join(say.shown(v) for v in values))
        for p in tie.passages:
            yield Text(f"    passage ({p.similarity:.2f}):")
            yield say.quoted(6, say.name(a), say.sentence(a, p.first_sentence))
            yield say.quoted(6, say.name(b), say.sentence(b, p.second_sentence))


def _reuse(say: _Say) -> Iterator[Text]:
    story = say.story
    yield _heading("Who took from whom")
    if not story.reuse:
        yield Text("  no reuse: every article is its own reporting")
        return
    for r in story.reuse:
        line = Text("  ")
        share = f"{round(r.score * 100)}%"
        if r.direction == "decided":
            line.append(say.name(r.derived), style=LABEL)
            line.append(" took from ")
            line.append(say.name(r.source), style=LABEL)
            line.append(f": {r.kind}, {share} of it explained by the source")
        else:
            line.append(say.name(r.source), style=LABEL)
            line.append(" and ")
            line.append(say.name(r.derived), style=LABEL)
            line.append(f" share narrative ({r.kind}, {share}); direction undecided: no arrow, no accusation")
            if r.common_source:
                line.append(f"; likely common source {say.shown(r.common_source)}")
        yield line
        verbatim = sum(e.match == "verbatim" for e in r.evidence)
        yield Text(
            f"    evidence: {len(r.evidence)} aligned sentence pairs ({verbatim} verbatim, "
            f"{len(r.evidence) - verbatim} paraphrased)",
            style=WHY,
        )
        for n, reason in enumerate(r.reasons):
            yield Text(f"    because {say.shown(reason)}")
            g = r.grounds[n] if n < len(r.grounds) else None
            if g is None:
                continue
            for s in g.sentences:
                yield say.quoted(
                    6, f"{say.name(s.article)}, sentence {s.sentence}", say.sentence(s.article, s.sentence)
                )
            for f in g.fields:
                line = Text("      ")
                line.append(f"{say.name(f.article)}, {f.field}", style=LABEL)
                line.append(": " + say.shown(f.value))
                yield line


_STATUS = {"corroborated": "corroborated", "single_source": "single source", "unsupported_addition": "ADDED"}


def _claims(say: _Say) -> Iterator[Text]:
    story = say.story
    yield _heading("Claims and their status")
    if not story.claims:
        yield Text("  no claims")
    for c in story.claims:
        line = Text("  ")
        line.append(
            f"[{_STATUS.get(c.status, c.status)}]", style="bold red" if c.status == "unsupported_addition" else "bold"
        )
        line.append(" " + say.shown(" ".join(c.text.split())))
        yield line
        if c.reason:
            yield Text(f"    rule: {say.shown(c.reason)}", style=WHY)
        for m in c.mentions:
            yield say.quoted(4, say.name(m.article), say.sentence(m.article, m.sentence) or say.shown(m.text))


def _conflicts(say: _Say) -> Iterator[Text]:
    story = say.story
    yield _heading("Conflicts")
    if not story.conflicts:
        yield Text("  no conflicts found")
    for x in story.conflicts:
        line = Text("  ")
        line.append(f"[{x.severity} {x.kind}]", style="bold red" if x.severity == "high" else "bold")
        line.append(" " + say.shown(x.explanation))
        yield line
        for side in x.sides:
            yield say.quoted(4, say.name(side.article), say.shown(" ".join(side.text.split())))


def _quotes(say: _Say) -> Iterator[Text]:
    story = say.story
    yield _heading("Quotes")
    if not story.quotes:
        yield Text("  no quotes")
    for q in story.quotes:
        line = Text("  ")
        line.append(f"[{q.fidelity.replace('_', ' ')}]", style="bold red" if q.fidelity == "altered" else "bold")
        line.append(" “" + say.shown(" ".join(q.text.split())) + "”")
        if q.speaker:
            line.append(" — " + say.shown(q.speaker))
        line.append(" (")
        line.append(say.name(q.article), style=LABEL)
        line.append(")")
        yield line
        if q.reason:
            yield Text(f"    rule: {say.shown(q.reason)}", style=WHY)
        for m in q.matches:
            yield say.quoted(4, say.name(m.article), say.shown(" ".join(m.text.split())), f" ({m.similarity:.2f})")


def print_explanation(console: Console, dossier: Dossier, story: Story, soft_wrap: bool = True) -> None:
    """Print the explanation; ``soft_wrap``: leave long lines to the terminal (else the console wraps them)."""
    for line in explain_lines(dossier, story):
        console.print(line, highlight=False, markup=False, soft_wrap=soft_wrap)


def explain(
    story: Annotated[str, typer.Argument(help="The story id (see `storytrace stories`, or the dossier's stories).")],
    db: Annotated[
        str, typer.Option("--db", help="Database: a file (SQLite) or a postgresql:// URL.")
    ] = "storytrace.db",
    dossier_path: Annotated[
        Optional[Path], typer.Option("--dossier", help="Read the story from this JSON dossier instead of a database.")
    ] = None,
) -> None:
    """Say why: what tied the story's articles, why each reuse direction, each claim's status, each conflict and
    each quote's fidelity (exit 0; 2: error)."""
    # imported here, not at the top: storytrace.cli imports this module to register the command
    from storytrace.cli import _existing_db, fail
    from storytrace.cli import out as console
    from storytrace.store import open_store

    try:
        if dossier_path is not None:
            dossier = load_dossier(dossier_path)
            found = find_story(dossier, story, str(dossier_path))
        else:
            with open_store(_existing_db(db)) as store:
                dossier = store.dossier(story)
            found = find_story(dossier, story, db)
    except StorytraceError as exc:
        fail(str(exc))
        return
    print_explanation(console, dossier, found)


def _apart(days: float) -> str:
    if days == 0:
        return "published the same day"
    return f"published {days:g} day{'' if days == 1 else 's'} apart"
