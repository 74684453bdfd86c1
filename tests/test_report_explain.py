"""The report and the Markdown dossier show the "why" of each finding: the story's ties, the sentence or field each
reuse reason rests on, and each claim's status rule. On the pipeline's own records for the explain samples."""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.html
import pytest
from markdown_it import MarkdownIt

from explain_samples import INDEPENDENT, OTHER_EVENT, REWRITE, WIRE, write
from storytrace.dossier.html import render_html, render_story_html
from storytrace.dossier.markdown import render_markdown
from storytrace.pipeline import analyze
from storytrace.records import ArticleField, Dossier, ReasonGround, Story
from test_report import assert_inert

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>[link](http://evil.example) \"quoted'"


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    folder: Path = tmp_path_factory.mktemp("pile")
    for name, article in (("wire", WIRE), ("rewrite", REWRITE), ("independent", INDEPENDENT), ("other", OTHER_EVENT)):
        write(folder, name, article)
    return analyze([str(folder)])


def landslide(dossier: Dossier) -> Story:
    return max(dossier.stories, key=lambda s: len(s.articles))


def ids(dossier: Dossier) -> dict[str, str]:
    return {a.outlet or "": a.id for a in dossier.articles}


def test_the_ties_fold_names_what_the_articles_share(dossier: Dossier) -> None:
    doc = lxml.html.fromstring(render_html(dossier))
    story = landslide(dossier)
    (fold,) = doc.xpath("//details[contains(@class, 'ties')]")
    assert fold.get("open") is None  # folded: the story's page does not grow as it opens
    assert "Why these articles are one story (2 ties)" in fold.findtext("summary")
    text = fold.text_content()
    assert "Marta Quell" in text and "Piet Oram" in text and "1,400" in text
    assert "same day" in text and "1 day apart" in text
    # each tie links to both articles, each passage to both sentences, and every target is on the page
    targets = {el.get("id") for el in doc.xpath("//*[@id]")}
    hrefs = [a.get("href") for a in fold.xpath(".//a")]
    assert {f"#a-{a}" for a in story.articles} <= set(hrefs)
    passages = fold.xpath(".//ul[@class='tie-passages']/li")
    tie = next(t for t in story.ties if t.passages)
    assert len(passages) == len(tie.passages)
    assert all(h[1:] in targets for h in hrefs)
    first = next(a for a in dossier.articles if a.id == tie.articles[0])
    quoted = first.sentence_text(tie.passages[0].first_sentence)
    assert f"“{quoted}”" in passages[0].text_content()
    # a one-article story has nothing to tie and no fold
    (alone,) = [s for s in dossier.stories if len(s.articles) == 1]
    assert "-ties" not in render_story_html(dossier, alone.id)


def test_the_web_story_page_fragment_carries_the_ties(dossier: Dossier) -> None:
    fragment = render_story_html(dossier, landslide(dossier).id)
    assert "Why these articles are one story" in fragment and "Marta Quell" in fragment


def test_each_reuse_reason_shows_what_it_rests_on(dossier: Dossier) -> None:
    doc = lxml.html.fromstring(render_html(dossier))
    o = ids(dossier)
    (cell,) = doc.xpath("//table[@class='reuse']//td[@class='why']")
    text = " ".join(cell.text_content().split())
    # a field: the article, the field's name and its value
    assert "the derived article credits Reuters (Lakeside Tribune credits: “Reuters”)" in text
    assert "(Reuters outlet: “Reuters”)" in text
    # a sentence: quoted, linked to where it is
    (link,) = [a for a in cell.xpath(".//a") if "Piet Oram" in a.text_content()]
    wire = next(a for a in dossier.articles if a.id == o["Reuters"])
    (reuse,) = landslide(dossier).reuse
    ground = next(g for g in reuse.grounds if g.sentences)
    index = ground.sentences[0].sentence
    assert isinstance(index, int)
    assert link.get("href") == f"#a-{o['Reuters']}-s{index}"
    assert link.text_content() == f"“{wire.sentence_text(index)}”"
    assert doc.xpath(f"//*[@id='a-{o['Reuters']}-s{index}']")
    # the article's own line says the same
    (line,) = doc.xpath(f"//article[@id='a-{o['Lakeside Tribune']}']//span[@class='why']")
    assert "(Lakeside Tribune credits: “Reuters”)" in " ".join(line.text_content().split())
    assert any("Piet Oram" in a.text_content() for a in line.xpath(".//a"))


def test_each_claim_row_says_its_status_rule(dossier: Dossier) -> None:
    html = render_html(dossier)
    doc = lxml.html.fromstring(html)
    story = landslide(dossier)
    corroborated = next(c for c in story.claims if c.status == "corroborated")
    assert corroborated.reason
    rows = doc.xpath("//table[@class='matrix']//tr[contains(@class, 'row-corroborated')]")
    rules = [" ".join(r.xpath(".//small[contains(@class, 'rule')]")[0].text_content().split()) for r in rows]
    assert f"rule: {corroborated.reason}" in rules
    # the one-source lines carry theirs as a title
    for li in doc.xpath("//ul[@class='one-source-list']/li"):
        assert li.get("title", "").startswith("single source:")


def test_markdown_lists_the_ties_and_the_rules(dossier: Dossier) -> None:
    md = render_markdown(dossier)
    section = md.split("### Why these articles are one story", 1)[1].split("###", 1)[0]
    ties = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(ties) == 2
    assert any("Marta Quell" in t and "1,400" in t and "passages alike" in t for t in ties)
    claims = md.split("### Claims", 1)[1].split("### Conflicts", 1)[0]
    items = [line for line in claims.splitlines() if line.startswith("- ")]
    assert items and all(" — rule: " in line for line in items)
    assert "rule: corroborated: 2 independent source groups state it" in claims


def hostile(dossier: Dossier) -> Dossier:
    """The pipeline's records with a stranger's text in every place this change shows: a tie's names, figures and
    dates, a ground's field value, a claim's rule."""
    out = copy.deepcopy(dossier)
    story = landslide(out)
    story.ties[0].names.append(XSS)
    story.ties[0].figures.append(XSS)
    story.ties[0].dates.append(XSS)
    story.claims[0].reason = XSS
    (reuse,) = story.reuse
    reuse.reasons.append(XSS)
    reuse.grounds.append(ReasonGround(XSS, fields=[ArticleField(reuse.derived, "credits", XSS)]))
    return out


def test_hostile_text_in_the_why_is_shown_not_obeyed(dossier: Dossier) -> None:
    bad = hostile(dossier)
    html = render_html(bad)
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    doc = lxml.html.fromstring(html)
    assert XSS in doc.xpath("//details[contains(@class, 'ties')]")[0].text_content()
    assert f"credits: “{XSS}”" in doc.xpath("//table[@class='reuse']//td[@class='why']")[0].text_content()
    assert any(XSS in el.text_content() for el in doc.xpath("//small[contains(@class, 'rule')]"))
    rendered = MarkdownIt("commonmark").render(render_markdown(bad))
    assert_inert(rendered)
    assert "<a " not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
