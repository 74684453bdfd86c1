"""An editor's decisions, kept in the store: findings confirmed or dismissed, stories merged or split, and what the
tool cannot know declared (an outlet is a wire service; two outlets are one company; a file is a press release).

Each decision is one row of the ``decisions`` table, keyed by the texts it is about (:mod:`storytrace.findings`), so
it holds when articles arrive and stories are analysed again; a new decision on a key replaces the old one, and
``undo`` removes it. They act in two ways:

- **Confirm / dismiss** annotate a finding. Nothing is analysed again; the store's dossier carries the decisions of
  each story (``Story.decisions``) and the report shows the finding confirmed, or dismissed with its note.
- **Merges, splits and declarations** change the analysis. Every story update (an ingest, or the decision itself)
  passes them to the stages in the options (``StoryOptions.edits``, ``ReuseOptions.declarations``): the grouping
  applies the merges and splits, the reuse stage reads a declared wire as a wire and a press release as a common
  source, source grouping puts one company's outlets in one group. A merge or split re-analyses the stories whose
  membership it changes; a declaration, those whose articles it touches (``stories.declared`` keeps, per story, a
  digest of the declarations its analysis applied).

Decisions are written in the store's own write transactions (SQLite ``BEGIN IMMEDIATE``, PostgreSQL under an
advisory lock), one code path for both databases.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection, Row

from storytrace.errors import UsageError
from storytrace.findings import Finding, decision_key, normal, story_findings
from storytrace.options import Declarations, Options, StoryEdit
from storytrace.records import Article, Decision, DecisionKind, Story
from storytrace.store import tables as t

if TYPE_CHECKING:
    from storytrace.store.store import Store

FINDING_DECISIONS: tuple[DecisionKind, ...] = ("confirm", "dismiss")
GROUPING_DECISIONS: tuple[DecisionKind, ...] = ("merge", "split")
DECLARATIONS: tuple[DecisionKind, ...] = ("declare_wire", "same_owner", "press_release")
# the shortest start of a key or an article id a person may type instead of all of it, when it names one thing only
MIN_PREFIX = 4
# PostgreSQL advisory lock key ("decs" in ASCII) serialising decision writes, so their order (seq) has no gaps or ties
PG_DECISIONS_LOCK = 0x64656373


class ReviewError(UsageError):
    """A review asked for something that cannot be done: no such finding, an ambiguous key, a bad split."""


@dataclass
class Review:
    """What one review command did."""

    decision: Decision
    story: str | None = None  # the story it bears on now (after any regrouping)
    changed: list[str] = field(default_factory=list)  # stories analysed again
    removed: list[str] = field(default_factory=list)  # stories merged into another
    matched: int = 0  # declarations: stored articles they apply to


@dataclass
class Reviewed:
    """One finding of a story with the editor's decision on it, if any."""

    finding: Finding
    decision: Decision | None

    @property
    def state(self) -> str | None:
        return self.decision.kind if self.decision is not None else None


# -- schema ----------------------------------------------------------------------------------------------------------


def upgrade(conn: Connection, version: str) -> str:
    """Schema 2 -> 3, inside the caller's schema transaction: ``create_all`` (run just before) made the decisions
    table; the one new column of an old table is added here. Stories stored before have no declarations applied,
    which is what NULL says."""
    have = {c["name"] for c in inspect(conn).get_columns("stories")}
    if "declared" not in have:
        conn.execute(text("ALTER TABLE stories ADD COLUMN declared VARCHAR(32)"))
    conn.execute(update(t.meta).where(t.meta.c.key == "schema_version").values(value="3"))
    return "3"


# -- rows ------------------------------------------------------------------------------------------------------------


def _dumps(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def _decision(row: Row) -> Decision:
    return Decision(
        key=row.key,
        kind=row.kind,
        note=row.note,
        who=row.who,
        when=row.decided_at,
        finding=row.finding,
        articles=json.loads(row.articles),
        apart_from=json.loads(row.apart_from),
        outlets=json.loads(row.outlets),
    )


def read_decisions(conn: Connection) -> list[Decision]:
    """Every stored decision, in the order they were made (the order merges and splits apply in)."""
    return [_decision(r) for r in conn.execute(select(t.decisions).order_by(t.decisions.c.seq, t.decisions.c.key))]


def stored_decisions(store: Store) -> list[Decision]:
    with store._read() as conn:
        return read_decisions(conn)


def _put(store: Store, decision: Decision, story_id: str | None) -> None:
    def work(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_DECISIONS_LOCK})
        seq = int(conn.execute(select(func.max(t.decisions.c.seq))).scalar() or 0) + 1
        conn.execute(delete(t.decisions).where(t.decisions.c.key == decision.key))
        conn.execute(
            insert(t.decisions).values(
                key=decision.key,
                kind=decision.kind,
                seq=seq,
                decided_at=decision.when,
                note=decision.note,
                who=decision.who,
                finding=decision.finding,
                story_id=story_id,
                articles=_dumps(decision.articles),
                apart_from=_dumps(decision.apart_from),
                outlets=_dumps(decision.outlets),
            )
        )

    store._write(work)


def _delete(store: Store, key: str) -> None:
    store._write(lambda conn: conn.execute(delete(t.decisions).where(t.decisions.c.key == key)))


# -- what the decisions mean to the stages ---------------------------------------------------------------------------


def declarations_of(decisions: Iterable[Decision]) -> Declarations:
    wires: list[str] = []
    owners: list[tuple[str, ...]] = []
    releases: set[str] = set()
    for d in decisions:
        if d.kind == "declare_wire" and d.outlets:
            wires.append(d.outlets[0])
        elif d.kind == "same_owner" and len(d.outlets) >= 2:
            owners.append(tuple(d.outlets))
        elif d.kind == "press_release":
            releases.update(d.articles)
    return Declarations(wires=tuple(wires), owners=tuple(owners), press_releases=tuple(sorted(releases)))


def edits_of(decisions: Iterable[Decision]) -> tuple[StoryEdit, ...]:
    return tuple(
        StoryEdit(d.kind, tuple(d.articles), tuple(d.apart_from))  # type: ignore[arg-type]  # merge | split
        for d in decisions
        if d.kind in GROUPING_DECISIONS
    )


def with_decisions(options: Options, decisions: Sequence[Decision]) -> Options:
    """``options`` with the stored merges, splits and declarations added to any it carries already."""
    if not decisions:
        return options
    given, stored = options.reuse.declarations, declarations_of(decisions)
    declarations = Declarations(
        wires=given.wires + stored.wires,
        owners=given.owners + stored.owners,
        press_releases=tuple(sorted({*given.press_releases, *stored.press_releases})),
    )
    return dataclasses.replace(
        options,
        stories=dataclasses.replace(options.stories, edits=options.stories.edits + edits_of(decisions)),
        reuse=dataclasses.replace(options.reuse, declarations=declarations),
    )


def declared_digest(
    article_ids: Iterable[str], articles: Mapping[str, Article], declarations: Declarations
) -> str | None:
    """What of ``declarations`` bears on these articles (wires and companies among their outlets, press releases
    among them), as a short digest; None when nothing does. A story is analysed again when its digest changes."""
    ids = sorted(set(article_ids))
    outlets = sorted({normal(o) for a in ids if a in articles and (o := articles[a].outlet) and normal(o)})
    companies: dict[int, list[str]] = {}
    for o in outlets:
        if (c := declarations.company(o)) is not None:
            companies.setdefault(c, []).append(o)
    bearing = {
        "wires": [o for o in outlets if declarations.wire(o)],
        "owners": sorted(names for names in companies.values()),
        "press": [a for a in ids if declarations.is_press_release(a)],
    }
    if not any(bearing.values()):
        return None
    body = json.dumps(bearing, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def bearing_on(story: Story, decisions: Iterable[Decision], articles: Mapping[str, Article]) -> list[Decision]:
    """The decisions that bear on ``story``: on its findings (by key), on its articles (merges, splits, press
    releases) and on its articles' outlets (wires, companies). In the order they were made."""
    keys = {f.key for f in story_findings(story)}
    members = set(story.articles)
    outlets = {normal(o) for a in story.articles if a in articles and (o := articles[a].outlet) and normal(o)}
    out = []
    for d in decisions:
        if d.kind in FINDING_DECISIONS:
            bears = d.key in keys
        elif d.kind in ("declare_wire", "same_owner"):
            bears = bool(outlets & {normal(o) for o in d.outlets})
        else:
            bears = bool(members & {*d.articles, *d.apart_from})
        if bears:
            out.append(d)
    return out


def reviewed(story: Story, labels: Mapping[str, str] | None = None) -> list[Reviewed]:
    """The story's findings, each with the decision on it among ``story.decisions`` (the store attaches them)."""
    by_key = {d.key: d for d in story.decisions if d.kind in FINDING_DECISIONS}
    return [Reviewed(f, by_key.get(f.key)) for f in story_findings(story, labels)]


# -- review commands -------------------------------------------------------------------------------------------------


def _now() -> str:
    from storytrace.store.store import _now as now

    return now()


def _text(value: str | None) -> str | None:
    """A note or a name as given, without surrounding space; None when empty."""
    value = (value or "").strip()
    return value or None


def _one(wanted: str, candidates: Iterable[str], what: str, where: str = "") -> str:
    """``wanted`` itself, or the one candidate it is the start of (at least MIN_PREFIX characters after any
    ``kind:``); ReviewError otherwise, ending with ``where`` when nothing matched."""
    wanted = wanted.strip()
    pool = sorted(set(candidates))
    if wanted in pool:
        return wanted
    found = [c for c in pool if wanted and c.startswith(wanted)]
    if len(wanted.split(":", 1)[-1]) < MIN_PREFIX and found:
        raise ReviewError(f"{wanted!r} is too short to name one {what}: give at least {MIN_PREFIX} characters of it")
    if len(found) == 1:
        return found[0]
    if found:
        raise ReviewError(f"{wanted!r} is the start of {len(found)} {what}s; give more of it")
    raise ReviewError(f"no {what} {wanted!r}{where}")


def find_finding(store: Store, key: str) -> tuple[Story, Finding]:
    """The stored story and finding ``key`` names (the whole key, or a start of it that names one finding)."""
    from storytrace.dossier.html import article_labels

    dossier = store.dossier()
    by_id = {a.id: a for a in dossier.articles}
    found: dict[str, tuple[Story, Finding]] = {}
    for story in dossier.stories:
        labels = article_labels([by_id[a] for a in story.articles if a in by_id])  # as the story's page names them
        for f in story_findings(story, labels):
            found.setdefault(f.key, (story, f))
    hint = " in the stored stories (storytrace review list STORY shows their keys)"
    return found[_one(key, found, "finding with key", hint)]


def decide_finding(
    store: Store, kind: DecisionKind, key: str, note: str | None = None, who: str | None = None
) -> Review:
    """Confirm or dismiss the finding ``key`` names. Nothing is analysed again."""
    if kind not in FINDING_DECISIONS:
        raise ReviewError(f"{kind!r} is not a decision on a finding (confirm or dismiss)")
    story, finding = find_finding(store, key)
    decision = Decision(finding.key, kind, _text(note), _text(who), _now(), finding.what)
    _put(store, decision, story.id)
    return Review(decision, story.id)


def _regroup(store: Store, decision: Decision, story_id: str | None, options: Options | None) -> Review:
    """Store ``decision`` and bring the stories up to date (in the store's one writer per process)."""
    with store._write_lock:
        _put(store, decision, story_id)
        changed, removed = store.update_stories(options)
    return Review(decision, story_id, changed, removed)


def _story_now(store: Store, article_ids: Sequence[str]) -> str | None:
    for a in article_ids:
        stories = store.stories_of_article(a)
        if stories:
            return stories[0]
    return None


def merge(
    store: Store,
    first: str,
    second: str,
    note: str | None = None,
    who: str | None = None,
    options: Options | None = None,
) -> Review:
    """Keep every article of two stories in one story, however later articles regroup them."""
    if first == second:
        raise ReviewError(f"cannot merge story {first} with itself")
    a, b = store.get_story(first), store.get_story(second)
    members = sorted({*a.articles, *b.articles})
    what = f"stories merged: “{a.headline}” and “{b.headline}”"
    decision = Decision(decision_key("merge", members), "merge", _text(note), _text(who), _now(), what, members)
    review = _regroup(store, decision, first, options)
    review.story = _story_now(store, members)
    return review


def split(
    store: Store,
    story_id: str,
    article_ids: Sequence[str],
    note: str | None = None,
    who: str | None = None,
    options: Options | None = None,
) -> Review:
    """Take ``article_ids`` (ids or starts of ids) out of a story, into one story of their own; it holds however
    later articles regroup them. Returns the story they now form."""
    story = store.get_story(story_id)
    chosen = sorted({_one(a, story.articles, f"article of story {story_id} with id") for a in article_ids})
    if not chosen:
        raise ReviewError("name the articles to split out of the story")
    rest = sorted(set(story.articles) - set(chosen))
    if not rest:
        raise ReviewError(f"cannot split every article out of story {story_id}: leave at least one")
    what = f"{len(chosen)} of {len(story.articles)} articles split out of “{story.headline}”"
    decision = Decision(
        decision_key("split", chosen), "split", _text(note), _text(who), _now(), what, chosen, apart_from=rest
    )
    review = _regroup(store, decision, story_id, options)
    review.story = _story_now(store, chosen)
    return review


def _outlet_matches(store: Store, names: Iterable[str]) -> int:
    wanted = {normal(n) for n in names}
    with store._read() as conn:
        return sum(1 for r in conn.execute(select(t.articles.c.outlet)) if r.outlet and normal(r.outlet) in wanted)


def outlet_names(store: Store) -> list[str]:
    """Every outlet the stored articles name, each once (its commonest spelling), in alphabetical order."""
    spellings: dict[str, dict[str, int]] = {}
    with store._read() as conn:
        for r in conn.execute(select(t.articles.c.outlet).where(t.articles.c.outlet.is_not(None))):
            name = " ".join(r.outlet.split())
            if name:
                counts = spellings.setdefault(normal(name), {})
                counts[name] = counts.get(name, 0) + 1
    names = [max(sorted(c), key=lambda n: c[n]) for c in spellings.values()]
    return sorted(names, key=lambda n: (normal(n), n))


def _stored_spelling(store: Store, name: str) -> str:
    """The outlet as the stored articles spell it (their commonest spelling), else as given: the dossier names a
    wire the way its own articles do."""
    return next((n for n in outlet_names(store) if normal(n) == normal(name)), name) if name else name


def declare_wire(
    store: Store, outlet: str, note: str | None = None, who: str | None = None, options: Options | None = None
) -> Review:
    """Declare ``outlet`` a wire service: its articles are wire copy to the reuse stage."""
    name = _stored_spelling(store, " ".join(outlet.split()))
    if not name:
        raise ReviewError("name the outlet to declare a wire")
    what = f"{name} declared a wire service"
    key = decision_key("wire", [name])
    decision = Decision(key, "declare_wire", _text(note), _text(who), _now(), what, outlets=[name])
    review = _regroup(store, decision, None, options)
    review.matched = _outlet_matches(store, [name])
    return review


def same_owner(
    store: Store,
    outlets: Sequence[str],
    note: str | None = None,
    who: str | None = None,
    options: Options | None = None,
) -> Review:
    """Declare ``outlets`` one company: their articles are one source group, never independent of each other."""
    names = list(dict.fromkeys(_stored_spelling(store, " ".join(o.split())) for o in outlets if o.split()))
    if len({normal(n) for n in names}) < 2:
        raise ReviewError("name at least two different outlets that are one company")
    what = "one company: " + ", ".join(names)
    key = decision_key("owner", names)
    decision = Decision(key, "same_owner", _text(note), _text(who), _now(), what, outlets=names)
    review = _regroup(store, decision, None, options)
    review.matched = _outlet_matches(store, names)
    return review


def press_release(
    store: Store, article_id: str, note: str | None = None, who: str | None = None, options: Options | None = None
) -> Review:
    """Declare a stored article a press release: a common source of the reports that take from it."""
    article = store.get_article(_one(article_id, store.article_ids(), "stored article with id"))
    what = f"press release: {article.title or article.origin}"
    key = decision_key("press", [article.id])
    decision = Decision(key, "press_release", _text(note), _text(who), _now(), what, [article.id])
    review = _regroup(store, decision, None, options)
    review.story = _story_now(store, [article.id])
    review.matched = 1
    return review


def undo(store: Store, key: str, options: Options | None = None) -> Review:
    """Remove the decision ``key`` names (whole, or a start of it); stories it changed are analysed again."""
    decisions = {d.key: d for d in stored_decisions(store)}
    decision = decisions[_one(key, decisions, "decision with key")]
    if decision.kind in FINDING_DECISIONS:
        _delete(store, decision.key)
        return Review(decision)
    with store._write_lock:
        _delete(store, decision.key)
        changed, removed = store.update_stories(options)
    return Review(decision, _story_now(store, decision.articles), changed, removed)


__all__ = [
    "DECLARATIONS",
    "FINDING_DECISIONS",
    "GROUPING_DECISIONS",
    "Review",
    "ReviewError",
    "Reviewed",
    "bearing_on",
    "decide_finding",
    "declarations_of",
    "declare_wire",
    "declared_digest",
    "edits_of",
    "find_finding",
    "merge",
    "outlet_names",
    "press_release",
    "read_decisions",
    "reviewed",
    "same_owner",
    "split",
    "stored_decisions",
    "undo",
    "with_decisions",
]
