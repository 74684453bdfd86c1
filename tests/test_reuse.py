"""Reuse stage on small real articles: copy, rewrite, partial, independent; direction; source groups."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.embed import embed, embed_articles
from storytrace.ingest import split_sentences
from storytrace.records import Article, ArticleFacts, ArticleQuote, Entity, Reuse
from storytrace.reuse import find_reuse, source_groups
from storytrace.reuse.align import tiles

WIRE = (
    "The Carver Street bridge in Eastport will close for six weeks from Monday after engineers found cracks in two "
    "of its steel supports, the city's transport department said on Thursday. "
    "Inspectors discovered the damage during a routine check last week, according to chief engineer Laura Benton. "
    '"We cannot take any risks with a structure that carries 30,000 vehicles a day," Benton told reporters. '
    "Buses on routes 12 and 14 will be diverted across the Harlow Road bridge, adding about ten minutes to journeys. "
    "The repairs are expected to cost 4.2 million dollars and will be paid from the city's emergency maintenance "
    "fund. "
    "Local shop owners said they feared the closure would drive away customers during the spring season. "
    "The bridge, built in 1962, was last refurbished in 2008. "
    "Cyclists and pedestrians will still be able to use a temporary walkway on the north side."
)

# The wire minus its last two sentences, word for word.
COPY = ". ".join(WIRE.split(". ")[:6]) + "."

REWRITE = (
    "Eastport's Carver Street bridge is to shut for six weeks starting on Monday, after cracks were found in two of "
    "its steel supports, transport officials announced on Thursday. "
    "The damage was spotted last week during a routine inspection, a senior engineer said. "
    "Officials said they could not take risks with a bridge that carries 30,000 vehicles every day. "
    "Buses on routes 12 and 14 will instead be sent over the Harlow Road bridge, making journeys about ten minutes "
    "longer. "
    "The repair work is expected to cost 4.2 million dollars, paid out of the city's emergency maintenance budget. "
    "Shop owners nearby fear that the closure will keep customers away this spring."
)

PARTIAL = (
    "Traders on Carver Street met on Friday evening to discuss how to keep customers coming during the closure. "
    "Maria Okafor, who runs a bakery near the bridge, said her takings had already fallen since the announcement. "
    "The group plans to ask the council for free parking on the streets around the market. "
    "The Carver Street bridge in Eastport will close for six weeks from Monday after engineers found cracks in two "
    "of its steel supports, the city's transport department said on Thursday. "
    "Buses on routes 12 and 14 will be diverted across the Harlow Road bridge, adding about ten minutes to journeys. "
    "The repairs are expected to cost 4.2 million dollars and will be paid from the city's emergency maintenance "
    "fund. "
    "Okafor said the traders would hold a second meeting next week if the council did not answer. "
    "A council spokesman said the request for free parking would be considered at the next cabinet meeting."
)

INDEPENDENT = (
    "Thousands of commuters face weeks of disruption after Eastport officials ordered the Carver Street bridge shut "
    "because of cracked steel supports. "
    "The transport department confirmed the decision at a press conference on Thursday afternoon. "
    "Laura Benton, the city's chief engineer, said her team had no choice once the cracks were found. "
    '"It is going to add at least twenty minutes to my drive," said Tom Reyes, a nurse who lives on the east side. '
    "Council members from the opposition demanded to know why the problem had not been spotted earlier. "
    "The department has not said when work on a permanent fix will begin. "
    "The bridge opened in 1962 and is one of three river crossings in the city."
)


def make(text: str, name: str, **meta: object) -> Article:
    return Article(
        id=hashlib.sha256(name.encode()).hexdigest()[:16],
        origin=name,
        origins=[name],
        text=text,
        sentences=split_sentences(text),
        **meta,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def vectors() -> dict[str, np.ndarray]:
    arts = [make(t, n) for t, n in ((WIRE, "wire"), (COPY, "copy"), (REWRITE, "rewrite"), (PARTIAL, "partial"))]
    arts.append(make(INDEPENDENT, "independent"))
    by_text = embed_articles(arts)
    # vectors depend on the text only, so key them by text for articles built with other metadata below
    return {a.text: by_text[a.id] for a in arts}


def run(arts: list[Article], vectors: dict[str, np.ndarray], facts: dict[str, ArticleFacts] | None = None):
    for a in arts:
        if a.text not in vectors:
            vectors[a.text] = embed([a.text[s:e] for s, e in a.sentences])
    return find_reuse(arts, {a.id: vectors[a.text] for a in arts}, facts or {})


def only(links: list[Reuse]) -> Reuse:
    assert len(links) == 1, links
    return links[0]


def test_verbatim_copy_is_a_copy(vectors):
    wire = make(WIRE, "wire", published="2024-03-07T09:00:00")
    copy = make(COPY, "copy", published="2024-03-07T15:00:00")
    r = only(run([wire, copy], vectors))
    assert (r.source, r.derived, r.kind) == (wire.id, copy.id, "copy")
    assert r.score > 0.95
    assert r.evidence and all(e.match == "verbatim" for e in r.evidence)


def test_sentence_by_sentence_paraphrase_is_a_rewrite(vectors):
    wire = make(WIRE, "wire", published="2024-03-07T09:00:00")
    rewrite = make(REWRITE, "rewrite", published="2024-03-07T18:00:00")
    r = only(run([wire, rewrite], vectors))
    assert (r.source, r.derived, r.kind) == (wire.id, rewrite.id, "rewrite")
    assert sum(e.match == "paraphrase" for e in r.evidence) >= 3
    # evidence follows the source's order
    firsts = [e.from_sentence if isinstance(e.from_sentence, int) else e.from_sentence[0] for e in r.evidence]
    assert firsts == sorted(firsts)


def test_partial_take_is_partial(vectors):
    wire = make(WIRE, "wire", published="2024-03-07T09:00:00")
    partial = make(PARTIAL, "partial", published="2024-03-08T10:00:00")
    r = only(run([wire, partial], vectors))
    assert (r.source, r.derived, r.kind) == (wire.id, partial.id, "partial")
    assert 0.2 < r.score < 0.7
    taken = {e.to_sentence for e in r.evidence}
    assert taken == {3, 4, 5}


def test_independent_reports_of_one_event_are_not_linked(vectors):
    wire = make(WIRE, "wire", published="2024-03-07T09:00:00")
    other = make(INDEPENDENT, "independent", published="2024-03-07T12:00:00")
    assert run([wire, other], vectors) == []
    rewrite = make(REWRITE, "rewrite")
    assert run([rewrite, other], vectors) == []


def test_direction_from_published_times(vectors):
    early = make(REWRITE, "rewrite", published="2024-03-07T08:00:00")
    late = make(WIRE, "wire", published="2024-03-07T11:30:00")
    r = only(run([early, late], vectors))
    assert (r.source, r.derived, r.direction) == (early.id, late.id, "decided")
    assert any("published earlier" in reason for reason in r.reasons)


def test_direction_from_wire_credit(vectors):
    wire = make(WIRE, "wire", outlet="Meridian Press")
    copy = make(COPY + " Meridian Press contributed to this report.", "copy", outlet="Eastport Daily")
    r = only(run([copy, wire], vectors))
    assert (r.source, r.derived, r.direction) == (wire.id, copy.id, "decided")
    assert any("Meridian Press" in reason for reason in r.reasons)


def test_direction_from_wire_dateline(vectors):
    wire = make(WIRE, "wire", outlet="Meridian Press")
    copy = make(COPY, "copy", outlet="Eastport Daily", dateline="EASTPORT (Meridian Press)")
    r = only(run([copy, wire], vectors))
    assert (r.source, r.derived) == (wire.id, copy.id)
    assert any("dateline" in reason for reason in r.reasons)


def _people(article: Article, names: list[str]) -> ArticleFacts:
    ents = []
    for name in names:
        at = article.text.find(name)
        assert at >= 0, name
        sentence = next(i for i, (s, e) in enumerate(article.sentences) if s <= at < e)
        ents.append(Entity(name, "PERSON", sentence, at, at + len(name)))
    return ArticleFacts(article.id, entities=ents)


def test_weak_signals_alone_draw_no_arrow(vectors):
    # No times, credits or wire: the wire names the engineer, the rewrite calls her "a senior engineer". Two sites
    # running one wire story differ the same way, so the link stays undecided and says what the names suggest.
    wire = make(WIRE, "wire")
    rewrite = make(REWRITE, "rewrite")
    facts = {wire.id: _people(wire, ["Laura Benton"]), rewrite.id: ArticleFacts(rewrite.id)}
    r = only(run([rewrite, wire], vectors, facts))
    assert r.direction == "undecided"
    assert any("unnamed" in reason for reason in r.reasons)


def test_dates_without_times_draw_no_arrow(vectors):
    early = make(WIRE, "a", published="2024-03-07")
    late = make(COPY, "b", published="2024-03-09")
    assert only(run([early, late], vectors)).direction == "undecided"


def test_wire_item_is_the_source_of_a_paper(vectors):
    # the paper's copy is published first on the day, but the wire item is the wire's: the paper took from it
    wire = make(WIRE, "wire", outlet="Associated Press", published="2024-03-07")
    paper = make(COPY, "paper", outlet="Eastport Daily", published="2024-03-07")
    r = only(run([paper, wire], vectors))
    assert (r.source, r.derived, r.direction) == (wire.id, paper.id, "decided")
    assert any("wire copy" in reason for reason in r.reasons)


def test_two_papers_running_one_wire_story_link_to_the_wire_not_each_other(vectors):
    wire = make(WIRE, "wire", outlet="Reuters", published="2024-03-07")
    one = make(COPY, "one", outlet="Eastport Daily", published="2024-03-07")
    two = make(COPY + " Traffic was light on Friday.", "two", outlet="Harlow Gazette", published="2024-03-08")
    links = run([one, two, wire], vectors)
    assert {(r.source, r.derived) for r in links} == {(wire.id, one.id), (wire.id, two.id)}


def test_papers_crediting_one_wire_name_it_as_their_common_source(vectors):
    one = make(COPY, "one", outlet="Eastport Daily", credits=["Reuters"])
    two = make(COPY + " Traffic was light.", "two", outlet="Harlow Gazette", credits=["Reuters"])
    r = only(run([one, two], vectors))
    assert r.direction == "undecided" and r.common_source == "Reuters"


def test_a_shared_statement_is_not_reuse(vectors):
    statement = (
        '"We cannot take any risks with a structure that carries 30,000 vehicles a day, and we will not reopen it '
        'until every support has been replaced," the transport department said in a statement.'
    )
    one = make(
        "Commuters in Eastport face weeks of delays after the Carver Street bridge was shut on Thursday. "
        + statement
        + " Drivers queued for an hour on the Harlow Road crossing. Shop owners said trade had already fallen.",
        "one",
    )
    two = make(
        "The city closed one of its busiest river crossings this week after an inspection found cracked steel. "
        + statement
        + " Opposition councillors asked why the cracks were missed. A repair contract has not yet been signed.",
        "two",
    )
    facts = {}
    for a in (one, two):
        at = a.text.index(statement)
        sentence = next(i for i, (s, e) in enumerate(a.sentences) if s <= at < e)
        facts[a.id] = ArticleFacts(
            a.id, quotes=[ArticleQuote(f"{a.id}:q1", a.id, sentence, statement[1:100], at + 1, at + 100)]
        )
    assert run([one, two], vectors, facts) == []


def test_direction_undecided_when_nothing_tells(vectors):
    # The same text twice under two names: no dates, credits, names or containment difference.
    a = make(COPY, "copy-a")
    b = make(COPY, "copy-b")
    r = only(run([a, b], vectors))
    assert r.direction == "undecided"
    assert (r.source, r.derived) == tuple(sorted((a.id, b.id)))
    assert r.kind == "copy"


def test_chain_links_each_derived_article_to_the_wire_only(vectors):
    wire = make(WIRE, "wire", published="2024-03-07T09:00:00", outlet="Meridian Press")
    copy = make(COPY, "copy", published="2024-03-07T13:00:00")
    rewrite = make(REWRITE, "rewrite", published="2024-03-07T18:00:00")
    partial = make(PARTIAL, "partial", published="2024-03-08T10:00:00")
    other = make(INDEPENDENT, "independent", published="2024-03-07T12:00:00")
    links = run([wire, copy, rewrite, partial, other], vectors)
    got = {(r.source, r.derived, r.kind) for r in links}
    assert got == {(wire.id, copy.id, "copy"), (wire.id, rewrite.id, "rewrite"), (wire.id, partial.id, "partial")}
    groups = source_groups([a.id for a in (wire, copy, rewrite, partial, other)], links)
    assert sorted(map(sorted, groups)) == sorted([sorted([wire.id, copy.id, rewrite.id, partial.id]), [other.id]])


def test_tiles_are_maximal_and_disjoint():
    a = "the mayor said the bridge will close for six weeks from monday".split()
    b = "officials said the bridge will close for six weeks from monday night".split()
    got = tiles(a, b, 3)
    assert got == [(2, 1, 10)]  # "said the bridge ... monday"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), min_size=0, max_size=40),
    st.lists(st.sampled_from("abcdefgh"), min_size=0, max_size=40),
    st.integers(min_value=2, max_value=4),
)
def test_tiles_property(a, b, m):
    """Every tile is a real common run of >= m words, and no word of either side is in two tiles."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    for i, j, k in tiles(a, b, m):
        assert k >= m
        assert a[i : i + k] == b[j : j + k]
        span_a, span_b = set(range(i, i + k)), set(range(j, j + k))
        assert not (span_a & used_a) and not (span_b & used_b)
        used_a |= span_a
        used_b |= span_b


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from([f"a{i}" for i in range(8)]), min_size=0, max_size=8, unique=True),
    st.lists(st.tuples(st.integers(min_value=0, max_value=7), st.integers(min_value=0, max_value=7)), max_size=10),
)
def test_source_groups_partition(ids, pairs):
    """Groups cover every article exactly once and linked articles share a group."""
    links = [Reuse(ids[i], ids[j], "copy", 1.0) for i, j in pairs if ids and i < len(ids) and j < len(ids) and i != j]
    groups = source_groups(ids, links)
    flat = [a for g in groups for a in g]
    assert sorted(flat) == sorted(ids)
    where = {a: n for n, g in enumerate(groups) for a in g}
    for r in links:
        assert where[r.source] == where[r.derived]
