"""An editor's review (``storytrace review``, the web app's review forms, :mod:`storytrace.store.decisions`): findings
confirmed or dismissed, stories merged or split, wires, owners and press releases declared; all kept in a real store
(SQLite, and PostgreSQL where the test takes ``store_url``), holding through new articles and re-analysis, shown in
the dossier, and posted from the story page over real HTTP and in Chromium."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from conftest import CORPUS
from storytrace.cli import app
from storytrace.dossier import dossier_json, validate
from storytrace.dossier.html import render_html
from storytrace.dossier.markdown import render_markdown
from storytrace.findings import decision_key, finding_key, story_findings
from storytrace.options import Declarations, Options, ReuseOptions, StoryEdit
from storytrace.records import Decision, Dossier, Story
from storytrace.store import decisions as review
from storytrace.store import open_store
from storytrace.store.decisions import ReviewError
from storytrace.stories.edits import apply_edits

runner = CliRunner()

# A small pile of our own: a wire item and a paper that runs most of it without saying so (no wire the tool knows,
# no credit, one date: an undecided link), and a council's press release taken up by two papers.
WIRE = [
    "Engineers closed the Marrow Street bridge in Ostbury on Thursday after inspectors found a crack in one of its "
    "steel girders.",
    "The bridge carries about 14,000 vehicles a day across the river Lune and is the main route into the town "
    "centre from the north.",
    "Inspectors from the county highways department spotted the crack during a routine check on Wednesday "
    "afternoon, officials said.",
    "Buses are being diverted over the Ferry Lane crossing, adding up to 25 minutes to journeys, according to the "
    "operator.",
    '"Safety has to come first, and we will not reopen the bridge until we are certain it is sound," said Hana '
    "Pryce, the county's head of highways.",
    "Repairs are expected to take at least six weeks and will cost an estimated 1.2 million pounds, the department "
    "said.",
    "The bridge was built in 1968 and was last strengthened in 2009.",
]
RELEASE = [
    "Lakeside Council today announced that the new Harrow Park swimming pool will open to the public on Saturday "
    "14 June.",
    "The pool, which cost 8.4 million pounds to build, has a 25-metre main pool, a learner pool and a gym with 40 "
    "machines.",
    "Entry will be free for children under five and for residents over 65 during the first month.",
    '"This is a pool built for the whole community, and we cannot wait to welcome people through the doors," said '
    "councillor Ruth Okafor, who chairs the leisure committee.",
    "The pool will be open from 6am to 10pm on weekdays and from 8am to 8pm at weekends.",
    "Construction began in March last year and was completed two weeks ahead of schedule.",
]
PAPER_OWN = [
    "Traders on Marrow Street said the closure could not have come at a worse time, with the spring market due to "
    "open next week.",
    '"We rely on people driving in from the north, and now they simply cannot get here," said shop owner Dev Anand.',
]
VALLEY_OWN = [
    "Parents at the nearby Harrow primary school said they hoped lessons would start before the summer holidays.",
    "The old Station Road baths closed in 2019 after the roof was found to be unsafe.",
]
ECHO_OWN = [
    "Local swimming club coach Tom Reyes said the club had been training in a neighbouring town for five years.",
    "Car parking at the site is limited to 60 spaces, and the council is urging visitors to walk or cycle.",
]
PILE = {
    "northern-wire.json": {
        "title": "Marrow Street bridge shut after crack found in girder",
        "outlet": "Northern Wire",
        "published": "2025-05-02",
        "text": "\n".join(WIRE),
    },
    "ostbury-chronicle.json": {
        "title": "Ostbury bridge closure hits traders",
        "outlet": "Ostbury Chronicle",
        "published": "2025-05-02",
        "text": "\n".join([*WIRE[:6], *PAPER_OWN]),
    },
    "council-release.json": {
        "title": "Harrow Park pool to open on 14 June",
        "outlet": "Lakeside Council",
        "published": "2025-05-20",
        "text": "\n".join(RELEASE),
    },
    "valley-times.json": {
        "title": "New Lakeside pool opens next month",
        "outlet": "Valley Times",
        "published": "2025-05-21",
        "text": "\n".join(
            [
                "Swimmers in Lakeside will finally get their new pool next month, after years of campaigning by "
                "local families.",
                *RELEASE[:4],
                *VALLEY_OWN,
            ]
        ),
    },
    "evening-echo.json": {
        "title": "Harrow Park pool opening date set",
        "outlet": "Evening Echo",
        "published": "2025-05-21",
        "text": "\n".join(
            [
                "The long-awaited Harrow Park pool has a date: it opens its doors on 14 June.",
                *(RELEASE[n] for n in (0, 1, 3, 4)),
                *ECHO_OWN,
            ]
        ),
    },
}
# a second paper that runs the wire item, arriving later
LATER = {
    "title": "Bridge closure: buses diverted",
    "outlet": "Lune Valley News",
    "published": "2025-05-03",
    "text": "\n".join(
        [*WIRE[:5], "Drivers heading for the hospital are advised to use the ring road until further notice."]
    ),
}
FIRE_STORY_HEADLINE = "grain warehouse"  # the example corpus's biggest story
HOSTILE_NOTE = '<img src=x onerror=alert(1)> "quoted" & checked'


def write_json(folder: Path, name: str, record: dict) -> str:
    path = folder / name
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def pile(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("review-pile")
    return sorted(write_json(folder, name, record) for name, record in PILE.items())


@pytest.fixture()
def corpus(tmp_path: Path, corpus_db: Path) -> str:
    """A copy of the example corpus's store, to write decisions into."""
    db = tmp_path / "corpus.db"
    shutil.copy(corpus_db, db)
    return str(db)


def outlets(dossier: Dossier) -> dict[str, str]:
    """outlet -> article id (the outlets of these piles are one article each, or the first of them)."""
    out: dict[str, str] = {}
    for a in dossier.articles:
        if a.outlet:
            out.setdefault(a.outlet, a.id)
    return out


def story_with(dossier: Dossier, article_id: str) -> Story:
    return next(s for s in dossier.stories if article_id in s.articles)


def fire_story(dossier: Dossier) -> Story:
    return next(s for s in dossier.stories if FIRE_STORY_HEADLINE in s.headline.lower())


def link(story: Story, a: str, b: str):  # type: ignore[no-untyped-def]
    return next(r for r in story.reuse if {r.source, r.derived} == {a, b})


def finding_of(story: Story, kind: str, text_in: str = ""):  # type: ignore[no-untyped-def]
    return next(f for f in story_findings(story) if f.kind == kind and text_in in f.what)


def partition(dossier: Dossier) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in dossier.stories}


_settings = itertools.count(1)


def reanalyse_everything(db: str) -> list[str]:
    """A re-analysis of every story, as after an upgrade: other settings (new each time) change the stored
    fingerprint."""
    with open_store(db) as store:
        changed, _ = store.update_stories(Options(reuse=ReuseOptions(prefilter=0.2 - next(_settings) / 1000)))
    return changed


def downgrade_to_version_2(url: str) -> None:
    """Make this store what storytrace with schema version 2 wrote: no decisions table, no stories.declared."""
    with open_store(url) as store, store.engine.begin() as conn:
        conn.execute(text("DROP TABLE decisions"))
        conn.execute(text("ALTER TABLE stories DROP COLUMN declared"))
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))


# -- keys, edits, declarations: the rules themselves ------------------------------------------------------------------

pairs = st.lists(st.tuples(st.text("0123456789abcdef", min_size=4, max_size=8), st.text(min_size=1)), min_size=1)


@given(pairs, st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_a_finding_key_is_the_same_for_any_order_spacing_and_case(parts, rnd) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    respaced = [(a, "  " + " \n ".join(t_.split()).upper() + "\t") for a, t_ in shuffled]
    for kind in ("conflict", "addition", "quote"):
        key = finding_key(kind, *parts)
        assert key == finding_key(kind, *shuffled)
        assert key.startswith(f"{kind}:") and len(key) == len(kind) + 17
        if all(t_.split() and t_.upper().casefold() == t_.casefold() for _, t_ in parts):
            assert key == finding_key(kind, *respaced)
    # a reuse link is its two articles, either way round
    a, b = parts[0][0], parts[-1][0] + "x"
    assert finding_key("reuse", (a, "one text"), (b, "")) == finding_key("reuse", (b, "other"), (a, ""))


def test_keys_tell_different_texts_and_decisions_apart() -> None:
    assert finding_key("quote", ("a1", "we were lucky")) != finding_key("quote", ("a1", "we were very lucky"))
    assert finding_key("quote", ("a1", "we were lucky")) != finding_key("quote", ("a2", "we were lucky"))
    assert finding_key("quote", ("a1", "x")) != finding_key("addition", ("a1", "x"))
    assert decision_key("wire", ["Northern  Wire"]) == decision_key("wire", ["northern wire"])
    assert decision_key("merge", ["a", "b"]) == decision_key("merge", ["b", "a"]) != decision_key("split", ["a", "b"])


@st.composite
def grouping_and_edits(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 12))
    labels = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(label, []).append(row)
    ids = [f"a{k:02d}" for k in range(n)]
    some = st.lists(st.sampled_from([*ids, "gone"]), min_size=1, max_size=4, unique=True)
    edits = draw(
        st.lists(
            st.builds(StoryEdit, st.sampled_from(["merge", "split"]), some.map(tuple), some.map(tuple)),
            max_size=4,
        )
    )
    return sorted(groups.values()), ids, edits


@given(grouping_and_edits())
@settings(max_examples=200, deadline=None)
def test_merges_and_splits_keep_a_partition_and_the_last_one_holds(case) -> None:  # type: ignore[no-untyped-def]
    groups, ids, edits = case
    out = apply_edits(groups, ids, edits)
    assert sorted(r for g in out for r in g) == list(range(len(ids)))  # every article in exactly one story
    assert out == sorted((sorted(g) for g in out), key=lambda g: g[0])
    if not edits:
        assert out == sorted(sorted(g) for g in groups)
        return
    last = edits[-1]
    row = {a: n for n, a in enumerate(ids)}
    story_of = {r: k for k, g in enumerate(out) for r in g}
    chosen = {row[a] for a in last.articles if a in row}
    if last.kind == "merge":
        assert len({story_of[r] for r in chosen}) <= 1
    else:
        rest = {row[a] for a in last.apart_from if a in row} - chosen
        assert not {story_of[r] for r in chosen} & {story_of[r] for r in rest}


def test_outlets_declared_one_company_join_across_declarations() -> None:
    d = Declarations(owners=(("Coast Media", "Bay Post"), ("bay  post", "Harbour FM")), wires=("Northern Wire",))
    assert d.same_company("COAST MEDIA", "Harbour FM") and not d.same_company("Coast Media", "Elsewhere")
    assert d.company("Elsewhere") is None and d.company(None) is None
    assert d.wire(" northern   wire ") == "Northern Wire" and d.wire("Northern") is None


# -- the store ------------------------------------------------------------------------------------------------------


def test_declarations_and_a_dismissal_hold_through_new_articles_on_both_stores(
    store_url: str, pile: list[str], tmp_path: Path
) -> None:
    with open_store(store_url) as store:
        store.ingest(pile)
        before = store.dossier()
    ids = outlets(before)
    wire, paper, release = ids["Northern Wire"], ids["Ostbury Chronicle"], ids["Lakeside Council"]
    bridge, pool = story_with(before, wire), story_with(before, release)
    assert link(bridge, wire, paper).direction == "undecided"  # nothing the tool knows says who took from whom

    downgrade_to_version_2(store_url)  # a store written before decisions existed is upgraded when opened
    with open_store(store_url) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() == "3"
        assert store.dossier().stories == before.stories
        key = finding_of(bridge, "reuse").key
        dismissed = review.decide_finding(store, "dismiss", key, "  same wire item, run by both  ", "desk")
        assert dismissed.changed == [] and dismissed.decision.note == "same wire item, run by both"

        declared = review.declare_wire(store, "northern  wire", "a regional agency")
        assert declared.changed == [bridge.id] and declared.matched == 1  # only the story it touches is analysed
        assert declared.decision.outlets == ["Northern Wire"]  # as the articles spell it
        released = review.press_release(store, release[:6])
        assert released.changed == [pool.id] and released.story == pool.id
        after = store.dossier()

    bridge_now = story_with(after, wire)
    arrow = link(bridge_now, wire, paper)
    assert (arrow.direction, arrow.source, arrow.derived) == ("decided", wire, paper)
    assert "declared a wire by an editor" in arrow.reasons[0]
    # the dismissal is keyed by the two texts, so it still names the link now that it has a direction
    assert [(d.kind, d.key) for d in bridge_now.decisions] == [
        ("dismiss", key),
        ("declare_wire", declared.decision.key),
    ]
    pool_now = story_with(after, release)
    assert {(r.source, r.direction) for r in pool_now.reuse} == {(release, "decided")}  # only from the release
    assert all("press release (declared by an editor)" in r.reasons[0] for r in pool_now.reuse)
    assert all(r.credited is None for r in pool_now.reuse)  # a release is issued to be copied: no credit owed
    assert len(pool_now.groups) == 1  # the release is no independent confirmation of the reports that use it
    assert [d.kind for d in pool_now.decisions] == ["press_release"]
    validate(json.loads(dossier_json(after)))

    # more articles arrive: the bridge story is analysed again, with the declarations and the dismissal in force
    with open_store(store_url) as store:
        report = store.ingest([write_json(tmp_path, "lune-valley-news.json", LATER)])
        assert bridge.id in report.stories_changed and pool.id not in report.stories_changed
        grown = store.dossier()
        later = outlets(grown)["Lune Valley News"]
        bridge_grown = story_with(grown, later)
        assert bridge_grown.id == bridge.id
        assert link(bridge_grown, wire, later).direction == "decided"
        assert ("dismiss", key) in [(d.kind, d.key) for d in bridge_grown.decisions]

        # undone, the declaration no longer decides the link, and only that story is analysed again
        undone = review.undo(store, declared.decision.key[:10])
        assert undone.changed == [bridge.id]
        assert link(story_with(store.dossier(), wire), wire, paper).direction == "undecided"
        assert [d.kind for d in store.decisions()] == ["dismiss", "press_release"]
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT key, kind, seq FROM decisions ORDER BY seq")).fetchall()
    assert [(r.kind, r.seq) for r in rows] == [("dismiss", 1), ("press_release", 3)]


def test_a_dismissal_survives_new_articles_and_a_reanalysis(corpus: str, tmp_path: Path) -> None:
    with open_store(corpus) as store:
        story = fire_story(store.dossier())
        quote = finding_of(story, "quote", "altered")
        addition = finding_of(story, "addition")
        review.decide_finding(store, "confirm", quote.key, "first try")
        review.decide_finding(store, "dismiss", quote.key[:12], "Vell said both; checked with the desk", "ed")
        review.decide_finding(store, "confirm", addition.key, None)
        assert [(d.key, d.kind) for d in store.decisions()] == [(quote.key, "dismiss"), (addition.key, "confirm")]

    # a new report of the fire arrives: the story is analysed again and keeps both decisions
    record = json.loads((CORPUS / "meridian-press-wire.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record.update(outlet="Port Weekly", title="Grain warehouse lost in Valmora port fire", url=None)
    record["text"] += "\n\nPort Weekly will publish a full list of the ships held at anchor on its website."
    with open_store(corpus) as store:
        report = store.ingest([write_json(tmp_path, "port-weekly.json", record)])
        assert story.id in report.stories_changed
        grown = store.dossier(story.id).stories[0]
    assert report.added[0] in grown.articles
    for when in ("after new articles", "after a re-analysis"):
        decided = {d.key: d for d in grown.decisions}
        assert decided[quote.key].kind == "dismiss", when
        assert decided[quote.key].note == "Vell said both; checked with the desk" and decided[quote.key].who == "ed"
        assert decided[addition.key].kind == "confirm", when
        assert quote.key in {f.key for f in story_findings(grown)}  # the finding is still made, and still keyed so
        assert story.id in reanalyse_everything(corpus)
        with open_store(corpus) as store:
            grown = store.dossier(story.id).stories[0]


def test_outlets_declared_one_company_are_one_source_group(corpus: str) -> None:
    with open_store(corpus) as store:
        before = store.dossier()
        story = fire_story(before)
        ids = outlets(before)
        herald, tidewater = ids["Coastal Herald"], ids["Tidewater Times"]
        group_of = {a: n for n, g in enumerate(story.groups) for a in g}
        assert group_of[herald] != group_of[tidewater]  # two independent reports, as far as the texts show
        done = review.same_owner(store, ["coastal herald", "Tidewater Times"], "both belong to Estland Media")
        assert done.changed == [story.id] and done.matched == 2
        now = store.dossier(story.id).stories[0]
    assert len(now.groups) == len(story.groups) - 1
    assert any({herald, tidewater} <= set(g) for g in now.groups)

    def stated_by(c):  # type: ignore[no-untyped-def]  # a claim is the sentences that state it
        return frozenset((m.article, str(m.sentence)) for m in c.mentions)

    was = {stated_by(c): c.independent_sources for c in story.claims}
    fewer = [c for c in now.claims if was.get(stated_by(c), 0) > c.independent_sources]
    assert fewer, "a claim both stated should count one source less"
    assert all(was.get(stated_by(c), c.independent_sources) >= c.independent_sources for c in now.claims)
    assert [d.kind for d in now.decisions] == ["same_owner"]
    with open_store(corpus) as store:
        assert review.undo(store, done.decision.key).changed == [story.id]
        assert len(store.dossier(story.id).stories[0].groups) == len(story.groups)


def test_a_declaration_stored_by_a_process_that_died_before_its_update_applies_at_the_next(corpus: str) -> None:
    with open_store(corpus) as store:
        story = fire_story(store.dossier())
        decision = Decision(decision_key("owner", ["Coastal Herald", "Tidewater Times"]), "same_owner", when="now")
        decision.outlets = ["Coastal Herald", "Tidewater Times"]
        review._put(store, decision, None)  # written, then killed before its story update
        assert len(store.dossier(story.id).stories[0].groups) == len(story.groups)
        report = store.ingest([])  # the next ingest, of nothing new
        assert report.stories_changed == [story.id]
        assert len(store.dossier(story.id).stories[0].groups) == len(story.groups) - 1
        assert store.ingest([]).stories_changed == []  # and once applied, not again


def test_merges_and_splits_hold_after_reanalysis(corpus: str) -> None:
    with open_store(corpus) as store:
        before = store.dossier()
        fire = fire_story(before)
        follow_up = next(s for s in before.stories if s.id != fire.id and len(s.articles) > 1)
        merged = review.merge(store, fire.id, follow_up.id, "one event and its sequel")
        assert merged.story == fire.id and merged.removed == [follow_up.id]  # the bigger story keeps its id
        joined = set(fire.articles) | set(follow_up.articles)
        assert joined in partition(store.dossier())
        with pytest.raises(ReviewError, match="cannot split every article"):
            review.split(store, fire.id, sorted(joined))
        with pytest.raises(ReviewError, match="no article of story"):
            review.split(store, fire.id, ["ffffffff"])
    reanalyse_everything(corpus)
    with open_store(corpus) as store:
        assert joined in partition(store.dossier())  # the merge holds when the story is analysed again
        split = review.split(store, fire.id, [a[:8] for a in follow_up.articles], "no: two stories after all")
        assert set(store.dossier().stories[0].articles) == set(fire.articles)
        assert partition(store.dossier()) == partition(before) and split.story == follow_up.id
    reanalyse_everything(corpus)
    with open_store(corpus) as store:
        after = store.dossier()
        assert partition(after) == partition(before)  # the split (the later decision) holds too
        assert {s.id for s in after.stories} == {s.id for s in before.stories}  # and ids came back
        kinds = {s.id: [d.kind for d in s.decisions] for s in after.stories}
        assert kinds[fire.id] == ["merge", "split"] and kinds[follow_up.id] == ["merge", "split"]
        review.undo(store, split.decision.key)
        assert joined in partition(store.dossier())  # the merge alone again
        review.undo(store, merged.decision.key)
        assert partition(store.dossier()) == partition(before) and store.decisions() == []


def test_the_dossier_shows_the_decisions(corpus: str) -> None:
    with open_store(corpus) as store:
        story = fire_story(store.dossier())
        quote = finding_of(story, "quote", "altered")
        conflict = finding_of(story, "conflict", "number")
        review.decide_finding(store, "dismiss", quote.key, HOSTILE_NOTE, "<b>ed</b>")
        review.decide_finding(store, "confirm", conflict.key, "17 is right: the port log says so")
        review.same_owner(store, ["Coastal Herald", "Tidewater Times"])
        dossier = store.dossier()
        one = store.dossier(story.id)
    data = json.loads(dossier_json(dossier))
    validate(data)
    shown = next(s for s in data["stories"] if s["id"] == story.id)["decisions"]
    assert [(d["kind"], d["key"]) for d in shown] == [
        ("dismiss", quote.key),
        ("confirm", conflict.key),
        ("same_owner", shown[2]["key"]),
    ]
    assert shown[0]["note"] == HOSTILE_NOTE and shown[0]["who"] == "<b>ed</b>" and shown[0]["when"]
    assert all(s["decisions"] == [] for s in data["stories"] if s["id"] != story.id)
    assert Dossier.from_dict(data).to_dict() == data

    html = render_html(one)
    q = story.quotes[[x.id for x in story.quotes].index(quote.ref)]
    quote_li = re.search(
        r'<li class="quote fi-altered review-dismissed" id="[^"]+-q-' + q.id + r'">.*?</li>', html, re.S
    )
    assert quote_li, "the dismissed quote is drawn dismissed"
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;quoted&#34; &amp; checked" in quote_li.group(0)
    assert "<img src=x" not in html and "<b>ed</b>" not in html
    conflict_div = re.search(r'<div class="conflict sev-high review-confirmed" id="[^"]+">.*?</p>', html, re.S)
    assert conflict_div and "confirmed" in conflict_div.group(0) and "the port log says so" in conflict_div.group(0)
    panel = html.split("Editor's review", 1)[1].split("</section>", 1)[0]
    assert panel.count('<li class="decision">') == 3 and "one company declared" in panel
    assert f'href="#s-{story.id}-q-{q.id}"' in panel  # each decision links to its finding

    md = render_markdown(one)
    assert "### Editor's review" in md and "**[confirmed: 17 is right: the port log says so]**" in md
    assert '**[dismissed: \\<img src=x onerror=alert\\(1\\)\\> "quoted" & checked]**' in md


def test_review_commands(corpus: str) -> None:
    with open_store(corpus) as store:
        story = fire_story(store.dossier())
    quote = finding_of(story, "quote", "altered")
    listing = runner.invoke(app, ["review", "list", story.id, "--db", corpus])
    assert listing.exit_code == 0, listing.output
    for f in story_findings(story):
        assert f.key in listing.output
    done = runner.invoke(app, ["review", "dismiss", quote.key[:13], "--note", "checked", "--db", corpus])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"dismissed {quote.key} in story {story.id}: altered quote")
    line = next(
        x
        for x in runner.invoke(app, ["review", "list", story.id, "--db", corpus]).output.splitlines()
        if quote.key in x
    )
    assert "dismissed" in line and line.endswith("— note: checked")
    data = json.loads(runner.invoke(app, ["review", "list", story.id, "--db", corpus, "--json"]).output)
    assert [f["decision"]["kind"] for f in data["findings"] if f["decision"]] == ["dismiss"]

    declared = runner.invoke(app, ["review", "same-owner", "Coastal Herald", "Tidewater Times", "--db", corpus])
    assert declared.exit_code == 0, declared.output
    assert "one company: Coastal Herald, Tidewater Times (owner:" in declared.output
    assert "2 stored articles from it; 1 story analysed again" in declared.output
    everything = runner.invoke(app, ["review", "list", "--db", corpus])
    assert everything.output.startswith(f"2 decisions in {corpus}")

    for args, message in (
        (
            ["review", "confirm", "conflict:0000000000", "--db", corpus],
            "error: no finding with key 'conflict:0000000000'",
        ),
        (["review", "dismiss", "quote:a", "--db", corpus], "too short to name one finding"),
        (["review", "merge", story.id, story.id, "--db", corpus], f"error: cannot merge story {story.id} with itself"),
        (["review", "split", "s-nosuchstory", "abcd", "--db", corpus], "error: no story with id 's-nosuchstory'"),
        (
            ["review", "same-owner", "Coastal Herald", "coastal  herald", "--db", corpus],
            "at least two different outlets",
        ),
        (["review", "undo", "wire:00000000", "--db", corpus], "error: no decision with key 'wire:00000000'"),
        (["review", "list", "--db", str(Path(corpus).parent / "none.db")], "error: no database at"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output
    undone = runner.invoke(app, ["review", "undo", quote.key, "--db", corpus])
    assert undone.exit_code == 0 and undone.output.startswith(f"removed dismiss {quote.key}")


# -- the web app ----------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`storytrace serve` on 127.0.0.1 over a copy of the example corpus's store: (base URL, database)."""
    db = tmp_path_factory.mktemp("review-served") / "served.db"
    shutil.copy(corpus_db, db)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"storytrace serve did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", str(db)
    proc.terminate()
    proc.wait(10)


def test_the_review_forms_round_trip_and_refuse_other_sites(served: tuple[str, str]) -> None:
    url, db = served
    with open_store(db) as store:
        story = fire_story(store.dossier())
    conflict = finding_of(story, "conflict", "date")
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as client:
        page = client.get(f"/stories/{story.id}")
        assert page.status_code == 200
        assert f'<input type="hidden" name="key" value="{conflict.key}">' in page.text
        assert f'action="/stories/{story.id}/review"' in page.text
        form = {"action": "dismiss", "key": conflict.key, "note": "<script>alert(1)</script> Tuesday is right"}

        for refused in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}, {"Origin": "null"}):
            answer = client.post(f"/stories/{story.id}/review", data=form, headers=refused)
            assert answer.status_code == 403, refused
        with open_store(db) as store:
            assert store.decisions() == []  # nothing a other site posted was written

        posted = client.post(f"/stories/{story.id}/review", data=form, headers={"Sec-Fetch-Site": "same-origin"})
        assert posted.status_code == 303 and posted.headers["location"] == f"/stories/{story.id}#review"
        page = client.get(posted.headers["location"])
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Tuesday is right" in page.text and "<script>" not in page.text
        assert '<li class="review-finding review-dismissed"' in page.text
        assert 'class="conflict sev-high review-dismissed"' in page.text  # the report fragment above shows it too

        as_json = {"Accept": "application/json", "Sec-Fetch-Site": "same-origin"}
        bad = client.post(
            f"/stories/{story.id}/review", data={"action": "dismiss", "key": "nope:12345"}, headers=as_json
        )
        assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("no finding with key 'nope:12345'")
        assert client.post("/stories/s-none/review", data=form, headers=as_json).status_code == 404
        odd = client.post(f"/stories/{story.id}/review", data={"action": "erase"}, headers=as_json)
        assert odd.status_code == 422 and "unknown review action 'erase'" in odd.json()["error"]["message"]
        undone = client.post(
            f"/stories/{story.id}/review", data={"action": "undo", "key": conflict.key}, headers=as_json
        )
        assert undone.status_code == 200 and undone.json()["decision"]["kind"] == "dismiss"
    with open_store(db) as store:
        assert store.decisions() == []


@pytest.mark.browser
def test_an_editor_dismisses_a_quote_in_the_browser(served: tuple[str, str], new_page) -> None:  # type: ignore[no-untyped-def]
    url, db = served
    with open_store(db) as store:
        story = fire_story(store.dossier())
    quote = finding_of(story, "quote", "altered")
    page = new_page()
    page.goto(f"{url}/stories/{story.id}")
    item = page.locator("li.review-finding", has=page.locator(f'input[value="{quote.key}"]'))
    item.locator('input[name="note"]').fill(HOSTILE_NOTE)
    item.locator('button[value="dismiss"]').click()
    page.wait_for_url(re.compile(rf"/stories/{re.escape(story.id)}#review$"))
    item = page.locator("li.review-finding", has=page.locator(f'input[value="{quote.key}"]'))
    assert "review-dismissed" in (item.get_attribute("class") or "")
    assert HOSTILE_NOTE in item.inner_text()
    # in the report above: the quote struck through, its mark and the note not
    reported = page.locator(f"li.quote.review-dismissed#s-{story.id}-q-{quote.ref}")
    assert reported.locator("q").first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert HOSTILE_NOTE in reported.locator(".review-note").inner_text()
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0
    with open_store(db) as store:
        assert [(d.key, d.note) for d in store.decisions()] == [(quote.key, HOSTILE_NOTE)]
    phone = new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{url}/stories/{story.id}#review")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert phone.locator("#review form.review-form").first.is_visible()
