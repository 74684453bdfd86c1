"""Story grouping: same event joined, similar events split, order independence, stable ids, the example corpus."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.embed import embed_articles
from storytrace.ingest import read_inputs, split_sentences
from storytrace.records import Article, StoryGroup
from storytrace.stories import assign_stories, group_stories, stable_ids, story_id

QUAKE_A1 = (
    "A magnitude 6.4 earthquake struck near the Peruvian city of Ica on Tuesday, March 4, 2014, killing at least "
    "twelve people and destroying dozens of adobe homes, Peru's civil defence office said. The quake hit at 9.40pm "
    "local time about 40 km south of Ica, and was felt in Lima."
)
QUAKE_A2 = (
    "At least twelve people were killed when a 6.4-magnitude quake hit southern Peru near Ica late on Tuesday, "
    "March 4, 2014, officials in Lima said. Dozens of adobe houses collapsed around Ica, the civil defence office "
    "reported, and the tremor was felt in the capital."
)
QUAKE_B = (
    "A magnitude 6.1 earthquake shook the Indonesian island of Sumatra near Padang on Friday, September 30, 2011, "
    "damaging a mosque and several schools, Indonesia's meteorology agency said. Two people were injured in Padang "
    "and residents fled to higher ground fearing a tsunami."
)
COUNCIL = (
    "The Harbour District council approved its budget for public libraries on Monday after a long debate about "
    "opening hours, staff numbers and the cost of heating old buildings."
)


def art(aid: str, text: str, published: str | None = None, title: str | None = None) -> Article:
    return Article(
        id=aid, origin=aid, origins=[aid], text=text, sentences=split_sentences(text), published=published, title=title
    )


def pile() -> list[Article]:
    return [
        art("a1", QUAKE_A1, "2014-03-05", "Quake kills 12 in southern Peru"),
        art("a2", QUAKE_A2, "2014-03-05"),
        art("b1", QUAKE_B, "2011-09-30", "Sumatra quake damages mosque"),
        art("c1", COUNCIL, "2014-03-03"),
    ]


@pytest.fixture(scope="module")
def vectors() -> dict:
    return embed_articles(pile())


def partition(groups: list[StoryGroup]) -> set[frozenset[str]]:
    return {frozenset(g.articles) for g in groups}


def test_same_event_joined_similar_event_split(vectors):
    groups = group_stories(pile(), {}, vectors)
    assert partition(groups) == {frozenset({"a1", "a2"}), frozenset({"b1"}), frozenset({"c1"})}
    peru = next(g for g in groups if "a1" in g.articles)
    assert peru.headline == "Quake kills 12 in southern Peru"
    assert peru.id == story_id(["a1", "a2"])
    assert len({g.id for g in groups}) == len(groups)


@settings(max_examples=15, deadline=None)
@given(st.permutations(list(range(4))), st.booleans())
def test_order_does_not_change_the_partition(vectors, order, twice):
    base = pile()
    shuffled = [base[i] for i in order] + ([base[order[0]]] if twice else [])
    assert group_stories(shuffled, {}, vectors) == group_stories(base, {}, vectors)


def test_stable_ids_follow_the_largest_overlap():
    previous = [StoryGroup("s-old1", "", ["a", "b", "c"]), StoryGroup("s-old2", "", ["d"])]
    new = [StoryGroup("x", "h1", ["a", "b"]), StoryGroup("y", "h2", ["c", "d", "e"]), StoryGroup("z", "h3", ["f"])]
    out = stable_ids(new, previous)
    assert [g.id for g in out] == ["s-old1", "s-old2", story_id(["f"])]
    assert [g.headline for g in out] == ["h1", "h2", "h3"]
    # a merge keeps one id; the other previous id is not reused
    merged = stable_ids([StoryGroup("m", "", ["a", "b", "c", "d"])], previous)
    assert [g.id for g in merged] == ["s-old1"]
    # ties go to the smaller previous id, whatever the order of the previous list
    tie_prev = [StoryGroup("s-b", "", ["x"]), StoryGroup("s-a", "", ["y"])]
    assert stable_ids([StoryGroup("n", "", ["x", "y"])], tie_prev)[0].id == "s-a"
    assert stable_ids([StoryGroup("n", "", ["x", "y"])], tie_prev[::-1])[0].id == "s-a"


def test_fresh_id_never_collides_with_a_previous_one():
    previous = [StoryGroup(story_id(["a"]), "", ["a", "b"])]
    out = stable_ids([StoryGroup("n1", "", ["b"]), StoryGroup("n2", "", ["a"])], previous)
    assert len({g.id for g in out}) == 2
    assert previous[0].id in {g.id for g in out}


def test_new_article_joins_its_story_and_ids_stay(vectors):
    arts = pile()
    first = group_stories(arts[:1] + arts[2:], {}, vectors)
    later = assign_stories([arts[1]], first, {a.id: a for a in arts}, {}, vectors)
    peru_before = next(g for g in first if "a1" in g.articles)
    peru_after = next(g for g in later if "a1" in g.articles)
    assert peru_after.id == peru_before.id and set(peru_after.articles) == {"a1", "a2"}
    assert partition(later) == partition(group_stories(arts, {}, vectors))
    assert {g.id for g in first} <= {g.id for g in later}


def test_empty_and_single():
    assert group_stories([], {}, {}) == []
    (g,) = group_stories([art("only", COUNCIL)], {}, {})
    assert g.articles == ["only"] and g.headline.startswith("The Harbour District council")


def test_example_corpus_grouped_exactly(corpus_dir):
    from storytrace.claims import extract_facts

    expected = json.loads((corpus_dir / "EXPECTED.json").read_text())
    articles, _ = read_inputs([str(corpus_dir)])
    name = {a.id: __import__("os").path.basename(a.origin) for a in articles}
    facts = {f.article: f for f in extract_facts(articles)}
    groups = group_stories(articles, facts, embed_articles(articles))
    got = {frozenset(name[a] for a in g.articles) for g in groups}
    assert got == {frozenset(s) for s in expected["stories"]}
