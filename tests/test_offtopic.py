"""Off-topic sentences inside on-topic paragraphs (issue 11, part 4): real claims stage, real MiniLM vectors, the
shipped cross-check."""

from __future__ import annotations

import pytest

from storytrace.claims import extract_facts
from storytrace.crosscheck import crosscheck
from storytrace.embed import embed_articles
from storytrace.ingest import split_sentences
from storytrace.options import CrosscheckOptions
from storytrace.records import Article, StoryFindings, StoryGroup

# three reports of one council vote; the second carries a sentence about something else, behind a name of the story
BUDGET_A = (
    "Dunmore county council approved a new budget on Tuesday that cuts funding for road repairs by 12 percent.\n\n"
    "Council leader Martin Hale said the cuts were needed to keep council tax flat for a third year. Opposition "
    "councillors voted against the budget, saying the roads were already in poor repair.\n\n"
    "The budget passed by 31 votes to 24 after a four-hour debate in the council chamber."
)
BUDGET_B = (
    "Road repairs in Dunmore will lose 12 percent of their funding under a budget the county council passed on "
    "Tuesday.\n\n"
    "Council leader Martin Hale defended the cuts as the price of keeping council tax flat. {extra}Opposition "
    "councillors said potholes on rural roads would go unfixed for another winter.\n\n"
    "The vote was 31 to 24."
)
BUDGET_C = (
    "Dunmore's councillors backed a budget on Tuesday that trims road repair spending by 12 percent.\n\n"
    "The council leader, Martin Hale, said the savings would keep council tax unchanged. The opposition said rural "
    "roads would suffer, and voted against it.\n\n"
    "The budget was approved by 31 votes to 24."
)
SEGUE = (
    "Hale, who also chairs the golf club in nearby Linmouth, spoke last week about the club's new greens, which were "
    "laid with imported Bermuda grass and reopen to members in the spring. "
)
ELSEWHERE = (
    "Hale's daughter, a professional cellist, released her first album of Bach suites last month and begins a tour "
    "of Scandinavian concert halls in June. "
)
BACKGROUND = "Hale, who has led the council since 2015, has kept council tax flat in each of his budgets so far. "
QUOTED = (
    "“I have played golf at the county club every Sunday for twenty years and the new greens are superb,” Hale said. "
)


def _article(aid: str, text: str) -> Article:
    paras, pos = [], 0
    for block in text.split("\n\n"):
        start = text.index(block, pos)
        paras.append((start, start + len(block)))
        pos = start + len(block)
    return Article(
        id=aid, origin=f"{aid}.txt", origins=[f"{aid}.txt"], text=text, outlet=aid, published="2025-03-12",
        sentences=split_sentences(text), paragraphs=paras,
    )  # fmt: skip


def _findings(extra: str, options: CrosscheckOptions | None = None) -> tuple[StoryFindings, Article]:
    articles = [_article("a", BUDGET_A), _article("b", BUDGET_B.format(extra=extra)), _article("c", BUDGET_C)]
    facts = {f.article: f for f in extract_facts(articles)}
    vectors = embed_articles(articles)
    story = StoryGroup(id="s", headline="budget", articles=[a.id for a in articles])
    by_id = {a.id: a for a in articles}
    return crosscheck(story, by_id, facts, vectors, [], [[a.id] for a in articles], options), by_id["b"]


@pytest.mark.parametrize("extra", [SEGUE, ELSEWHERE])
def test_a_sentence_about_something_else_behind_a_name_of_the_story_is_off_topic(extra):
    found, b = _findings(extra)
    assert [o.text for o in found.off_topic] == [extra.strip()]
    (o,) = found.off_topic
    assert o.article == "b" and b.sentence_text(o.sentence) == extra.strip()
    assert 0 < o.score <= 1
    assert not any("golf" in m.text for c in found.claims for m in c.mentions)  # off-topic words are no claim


@pytest.mark.parametrize("extra", ["", BACKGROUND, QUOTED])
def test_background_on_the_story_s_people_and_their_own_words_are_not_off_topic(extra):
    found, _ = _findings(extra)
    assert found.off_topic == []


def test_the_sentence_rule_follows_its_options():
    strict = CrosscheckOptions(offtopic_sentence_max_sim=0.0, offtopic_foreign_max_sim=0.0)
    found, _ = _findings(SEGUE, strict)
    assert found.off_topic == []
