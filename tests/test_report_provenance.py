"""Issue 11 in the report: each article's verdict line first, then the sources it cites; credit on every provenance
arrow (the SVG map, the reuse table, the article's own provenance line, the Markdown); uncredited copying said
plainly; and all of it escaped. On verdict_sample's hand-built dossier, which validates against the schema."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from storytrace.dossier import validate
from storytrace.dossier.html import render_article_html, render_html, render_story_html, render_verdict_html
from storytrace.dossier.markdown import render_markdown
from storytrace.dossier.svg import credit_label
from storytrace.records import Dossier, Reuse
from test_report import assert_inert
from verdict_sample import CREDIT_LINE, HOSTILE_SOURCE, HOSTILE_SUMMARY, verdict_dossier

SVG_NS = "{http://www.w3.org/2000/svg}"
EVIL = '<b onmouseover="alert(7)">Coastal</b> Wire'


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    return verdict_dossier()


@pytest.fixture(scope="module")
def doc(dossier: Dossier) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(render_html(dossier))


def text_of(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def test_the_sample_is_a_valid_dossier(dossier: Dossier) -> None:
    validate(dossier.to_dict())


def test_verdict_line_comes_first_then_the_sources_cited(doc: lxml.html.HtmlElement) -> None:
    article = doc.get_element_by_id("a-rewr03")
    children = [c for c in article if isinstance(c.tag, str)]
    assert children[0].tag.startswith("h")
    verdict, sources = children[1], children[2]
    assert verdict.get("class") == "verdict v-rewrite credit-credited"
    summary, facts = verdict.find_class("verdict-summary")[0], verdict.find_class("verdict-facts")[0]
    assert text_of(summary) == "Rewrites Coastal Wire's report, credits it, and adds a claim no source states."
    # summary sentence, then verdict, its source, credit, timing, padding as a percentage, findings
    assert text_of(facts) == (
        "Verdict: rewrite of Coastal Wire (credited) · report · 5% padding · 1 added claim · 1 altered quote"
    )
    assert facts.xpath(".//a[@class='cite']/@href") == ["#a-wire01"]
    assert sources.get("class") == "sources-cited"
    assert text_of(sources) == "Sources it cites: Coastal Wire (outlet) “Coastal Wire first reported”"
    assert sources.xpath(".//a/@href") == ["#a-rewr03-s4"]  # the sentence that cites it
    assert CREDIT_LINE in text_of(doc.get_element_by_id("a-rewr03-s4"))
    assert children[3].get("class") == "meta"  # the article's metadata only after both


def test_uncredited_copying_is_said_plainly(doc: lxml.html.HtmlElement) -> None:
    copy = doc.get_element_by_id("a-copy02")
    verdict = copy.find_class("verdict")[0]
    assert "credit-uncredited" in verdict.get("class")
    assert text_of(verdict.find_class("verdict-facts")[0]).startswith("Verdict: uncredited copy of Coastal Wire ·")
    assert "12% padding" in text_of(verdict)
    provenance = text_of(copy.xpath(".//dl[@class='meta']")[0])
    assert "uncredited copy of Coastal Wire (96%)" in provenance
    assert not copy.find_class("sources-cited")  # it cites nothing: no empty list either
    # the source says who reuses it, and how
    wire = text_of(doc.get_element_by_id("a-wire01").xpath(".//dl[@class='meta']")[0])
    assert "Harbour Daily (copy, 96%, uncredited)" in wire and "Bay Herald (rewrite, 78%, credited)" in wire


def test_an_article_shown_above_still_gets_this_storys_verdict(doc: lxml.html.HtmlElement) -> None:
    more = doc.get_element_by_id("s-story-more")
    verdicts = [text_of(v.find_class("verdict-summary")[0]) for v in more.find_class("verdict")]
    assert "The first report." in verdicts  # wire01, drawn in full under the crane story
    assert "Coastal Wire's update of its own report." in verdicts


def test_credit_on_the_arrows_of_the_map(dossier: Dossier) -> None:
    html = render_story_html(dossier, "story-crane")
    raw = re.search(r"<svg .*?</svg>", html, re.S)
    assert raw is not None
    svg = ET.fromstring(raw.group(0))
    labels = {
        "".join(g.itertext()): (g.get("class") or "")
        for g in svg.iter(f"{SVG_NS}g")
        if "edge-label" in (g.get("class") or "")
    }
    assert labels == {
        "copy 96% · uncredited": "edge-label uncredited",
        "rewrite 78% · credited": "edge-label credited",
        "partial 50%?": "edge-label",  # undecided: no credit shown, though the record says False
    }
    tips = [t.text or "" for g in svg.iter(f"{SVG_NS}g") if "edge" in (g.get("class") or "").split() for t in g]
    assert any("uncredited: it does not name Coastal Wire" in t for t in tips)
    desc = svg.find(f"{SVG_NS}desc")
    assert desc is not None and "Harbour Daily takes from Coastal Wire (copy 96%, uncredited)" in (desc.text or "")
    assert "credited / uncredited" in "".join(svg.itertext())  # the legend explains the words


def test_a_map_without_credit_says_nothing_of_it(dossier: Dossier) -> None:
    html = render_story_html(dossier, "story-bus")
    raw = re.search(r"<svg .*?</svg>", html, re.S)
    assert raw is not None and "credited" not in raw.group(0)  # neither a label nor a legend line
    assert not lxml.html.fromstring(html).find_class("verdict")


def test_credit_in_the_reuse_table(doc: lxml.html.HtmlElement) -> None:
    table = doc.get_element_by_id("s-story-crane-map").find_class("reuse")[0]
    rows = [[text_of(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")]
    assert rows[0][:4] == [
        "Coastal Wire",
        "→ Harbour Daily",
        "copy 96%",
        "uncredited Harbour Daily is an uncredited copy of Coastal Wire.",
    ]
    assert rows[1][3] == "credited Bay Herald names Coastal Wire as its source."
    assert rows[2][1] == "— Metro Digest" and rows[2][3] == ""


@given(
    direction=st.sampled_from(["decided", "undecided"]),
    credited=st.sampled_from([True, False, None]),
    kind=st.sampled_from(["copy", "rewrite", "partial"]),
)
def test_credit_label_only_on_decided_links_that_know(direction: str, credited: bool | None, kind: str) -> None:
    r = Reuse("a", "b", kind, 0.5, direction=direction, credited=credited)  # type: ignore[arg-type]
    label = credit_label(r)
    if direction == "undecided" or credited is None:
        assert label is None
    else:
        assert label == ("credited" if credited else "uncredited")


def test_markdown_verdict_lines_and_credit(dossier: Dossier) -> None:
    md = render_markdown(dossier)
    assert "- Coastal Wire → Harbour Daily: copy 96%; Harbour Daily is an uncredited copy of Coastal Wire." in md
    assert "- Coastal Wire → Bay Herald: rewrite 78%; Bay Herald names Coastal Wire as its source." in md
    assert "- Northern Times — Metro Digest: partial 50% (direction undecided: most often a common source)\n" in md
    crane = md[: md.index("## \\<script\\>")]
    articles = crane[crane.index("### Articles") : crane.index("### Claims")]
    assert (
        "- **Harbour Daily**: Runs Coastal Wire's report almost word for word without naming it. "
        "(uncredited copy of Coastal Wire · report · 12% padding)"
    ) in articles
    assert "(rewrite of Coastal Wire \\(credited\\) · report · 5% padding · 1 added claim · 1 altered quote) — " in (
        articles
    )
    assert "— cites Coastal Wire \\(outlet\\): “Coastal Wire first reported”" in articles


def test_hostile_names_and_words_stay_text(dossier: Dossier, doc: lxml.html.HtmlElement) -> None:
    html = render_html(dossier)
    assert_inert(html)
    page = doc.text_content()
    assert HOSTILE_SUMMARY in page and HOSTILE_SOURCE in page and 'see <img src=x onerror="alert(6)">' in page
    # a hostile outlet as the source of an uncredited copy: its name in the credit sentence, the arrow's tooltip
    # and the verdict line, as text
    d = verdict_dossier()
    arts = {a.id: a for a in d.articles}
    arts["wire01"].outlet = EVIL
    hostile = render_html(d)
    assert_inert(hostile)
    hdoc = lxml.html.fromstring(hostile)
    assert f"Harbour Daily is an uncredited copy of {EVIL}." in hdoc.text_content()
    assert f"uncredited copy of {EVIL}" in text_of(hdoc.get_element_by_id("a-copy02"))
    raw = re.search(r"<svg .*?</svg>", hostile, re.S)
    assert raw is not None
    assert f"it does not name {EVIL}" in "".join(ET.fromstring(raw.group(0)).itertext())
    md = MarkdownIt("commonmark").render(render_markdown(d))
    assert_inert(md)
    assert "uncredited copy of &lt;b onmouseover=&quot;alert(7)&quot;&gt;Coastal&lt;/b&gt; Wire" in md


def test_verdict_fragment_for_a_page_of_its_own(dossier: Dossier) -> None:
    def page_of(article_id: str) -> str:
        return "" if article_id == "rewr03" else f"/articles/{article_id}"

    fragment = render_verdict_html(dossier, "story-crane", "rewr03", page_of)
    doc = lxml.html.fromstring(f"<div>{fragment}</div>")
    assert doc.xpath("//a/@href") == ["/articles/wire01", "#a-rewr03-s4"]
    assert "rewrite" in text_of(doc)
    assert "Sources it cites" not in render_verdict_html(dossier, "story-crane", "rewr03", page_of, with_sources=False)
    assert render_verdict_html(dossier, "story-bus", "other7").strip() == ""  # no verdict, no sources: nothing
    with pytest.raises(KeyError):
        render_verdict_html(dossier, "story-crane", "no-such-article")
    # the article view alone carries the line too
    assert "verdict-summary" in render_article_html(dossier, "copy02", "story-crane")
