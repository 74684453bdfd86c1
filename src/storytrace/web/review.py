"""The story page's review forms (``templates/review.html``) and what their POST does: the web app's side of
``storytrace review``. The library does the work (:mod:`storytrace.store.decisions`); this module turns a form into
one of its calls and a story into what the forms show."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from storytrace.dossier.html import article_labels, finding_anchor
from storytrace.options import Options
from storytrace.records import Decision, DecisionKind, Dossier, Story
from storytrace.store import Store
from storytrace.store import decisions as review
from storytrace.store.decisions import Review, ReviewError

ACTIONS = ("confirm", "dismiss", "undo", "merge", "split", "declare_wire", "same_owner", "press_release")
MAX_NOTE = 2000  # characters: a note is a sentence or two, not a document
STATE_LABELS = {"confirm": "confirmed", "dismiss": "dismissed"}
FINDING_KINDS: dict[str, DecisionKind] = {"confirm": "confirm", "dismiss": "dismiss"}


@dataclass
class FindingRow:
    key: str
    kind: str
    what: str
    href: str  # the finding in the report fragment above the forms
    state: str | None  # "confirmed" | "dismissed" | None
    decision: Decision | None


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class ReviewView:
    story_id: str
    findings: list[FindingRow]
    articles: list[Choice]  # this story's articles (split, press release)
    outlets: list[Choice]  # this story's outlets (declare a wire)
    all_outlets: list[Choice]  # every stored outlet (one company)
    others: list[Choice]  # the other stories (merge)
    decisions: list[Decision] = field(default_factory=list)  # those on the grouping, outlets and articles
    max_note: int = MAX_NOTE


def review_view(
    dossier: Dossier, story: Story, other_stories: Sequence[Choice], all_outlets: Sequence[str]
) -> ReviewView:
    """What the review forms of ``story`` show (``dossier``: the store's dossier of that story)."""
    labels = article_labels(dossier.articles)
    rows = [
        FindingRow(
            r.finding.key,
            r.finding.kind,
            r.finding.what,
            finding_anchor(story.id, r.finding.kind, r.finding.ref),
            STATE_LABELS.get(r.state or ""),
            r.decision,
        )
        for r in review.reviewed(story, labels)
    ]
    members = sorted(dossier.articles, key=lambda a: (a.published or "", a.id))
    articles = [Choice(a.id, f"{labels[a.id]}: {a.title or a.origin}") for a in members]
    outlets = sorted({" ".join(a.outlet.split()) for a in members if a.outlet and a.outlet.split()})
    return ReviewView(
        story_id=story.id,
        findings=rows,
        articles=articles,
        outlets=[Choice(o, o) for o in outlets],
        all_outlets=[Choice(o, o) for o in all_outlets],
        others=[c for c in other_stories if c.value != story.id],
        decisions=[d for d in story.decisions if d.kind not in review.FINDING_DECISIONS],
    )


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = [v for v in form.get(name, []) if v.strip()]
    if not values:
        raise ReviewError(f"the form has no {name}")
    return values[0].strip()


def apply_form(store: Store, story_id: str, form: Mapping[str, Sequence[str]], options: Options) -> Review:
    """Do what a review form asks (``form``: field name -> its values). ``ReviewError`` (a 422) for a form that
    asks for something that cannot be done; unknown stories and articles raise the store's ``UnknownId`` (404)."""
    action = (form.get("action") or [""])[0]
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}: use one of {', '.join(ACTIONS)}")
    note = (form.get("note") or [""])[0]
    who = (form.get("who") or [""])[0]
    if len(note) > MAX_NOTE or len(who) > 200:
        raise ReviewError(f"the note is too long: at most {MAX_NOTE:,} characters")
    store.get_story(story_id)  # 404 for a story that is not there, whatever the action
    if action in FINDING_KINDS:
        return review.decide_finding(store, FINDING_KINDS[action], _one(form, "key"), note, who)
    if action == "undo":
        return review.undo(store, _one(form, "key"), options)
    if action == "merge":
        return review.merge(store, story_id, _one(form, "other"), note, who, options)
    if action == "split":
        chosen = [a for a in form.get("articles", []) if a.strip()]
        if not chosen:
            raise ReviewError("tick the articles to split out of the story")
        return review.split(store, story_id, chosen, note, who, options)
    if action == "declare_wire":
        return review.declare_wire(store, _one(form, "outlet"), note, who, options)
    if action == "same_owner":
        names = [o for o in form.get("outlets", []) if o.strip()]
        return review.same_owner(store, names, note, who, options)
    return review.press_release(store, _one(form, "article"), note, who, options)


__all__ = ["ACTIONS", "Choice", "ReviewView", "apply_form", "review_view"]
