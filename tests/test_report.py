"""The HTML report and the Markdown dossier: every section present, content escaped, no external asset, a
well-formed provenance map. On a hand-built dossier (report_sample.py) and on the example corpus's real output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from report_sample import XSS, sample_dossier
from storytrace.dossier.html import render_article_html, render_html, render_story_html, report_css
from storytrace.dossier.markdown import md_escape, render_markdown
from storytrace.records import Dossier

SECTIONS = ["summary", "map", "claims", "conflicts", "quotes", "timeline", "offtopic", "articles"]
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dossier() -> Dossier:
    return sample_dossier()


@pytest.fixture(scope="module")
def html(dossier: Dossier) -> str:
    return render_html(dossier)


def assert_inert(markup: str) -> None:
    """No script element, no event-handler attribute, no javascript: URL, no external asset."""
    doc = lxml.html.fromstring(markup)
    assert doc.xpath("//script") == []
    assert doc.xpath("//iframe|//object|//embed|//img") == []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name.lower() in ("href", "src", "action", "xlink:href", "formaction"):
                assert not value.strip().lower().startswith("javascript:"), (el.tag, value)
                assert value.startswith("#"), f"non-local link {value!r}"
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", markup, re.I)
    assert "@import" not in markup
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", markup, re.I)


def test_every_section_of_every_story(html: str, dossier: Dossier) -> None:
    doc = lxml.html.fromstring(html)
    for story in dossier.stories:
        sid = "s-" + story.id
        assert doc.get_element_by_id(sid) is not None
        for section in SECTIONS:
            assert doc.get_element_by_id(f"{sid}-{section}") is not None, section
    # the quiet story shows its empty states
    quiet = lxml.html.tostring(doc.get_element_by_id("s-story-bus"), encoding="unicode")
    for empty in ("No conflicts found", "No claims found", "No direct quotes found", "No dated events found"):
        assert empty in quiet
    assert "No off-topic passages found" in quiet


def test_header_counts_and_date_span(html: str) -> None:
    doc = lxml.html.fromstring(html)
    head = doc.get_element_by_id("s-story-crane").find_class("facts")[0].text_content()
    text = " ".join(head.split())
    assert "6 articles" in text
    assert "3 independent source groups" in text
    assert "2025-05-06 to 2025-05-08" in text


def test_hostile_content_renders_as_text(html: str) -> None:
    assert_inert(html)
    doc = lxml.html.fromstring(html)
    page_text = doc.text_content()
    for value in XSS.values():
        assert value in page_text, value  # shown to the reader, as text
    assert '<script>alert("headline")</script> Bus lane' in page_text
    assert "[click here](javascript:alert(4))" in page_text


def test_the_fragment_and_article_view_are_inert_too(dossier: Dossier) -> None:
    fragment = render_story_html(dossier, "story-crane")
    assert "<html" not in fragment and "<style" not in fragment
    assert_inert(fragment)
    article = render_article_html(dossier, "xss005")
    assert_inert(article)
    assert 'id="a-xss005-s0"' in article
    with pytest.raises(KeyError):
        render_story_html(dossier, "no-such-story")


def test_css_is_shared_and_local() -> None:
    css = report_css()
    assert ":target" in css and "@media print" in css and "@media (max-width" in css
    assert "http" not in css and "@import" not in css


def test_provenance_map_nodes_edges_and_markers(html: str, dossier: Dossier) -> None:
    doc = lxml.html.fromstring(html)
    story = dossier.stories[0]
    assert doc.get_element_by_id("s-story-crane-map").xpath(".//svg")
    # the map as written must parse as XML on its own
    raw = re.search(r"<svg .*?</svg>", html, re.S)
    assert raw is not None
    svg = ET.fromstring(raw.group(0))
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    nodes = [e for e in svg.iter() if (e.get("class") or "").split()[:1] == ["node"]]
    assert len(nodes) == len(story.articles)
    assert all(n.find(f"{SVG_NS}title") is not None for n in nodes)
    edges = [e for e in svg.iter() if "edge" in (e.get("class") or "").split()]
    assert len(edges) == len(story.reuse)
    undecided = [e for e in edges if "edge-undecided" in e.get("class", "")]
    assert len(undecided) == 1
    path = undecided[0].find(f"{SVG_NS}path")
    assert path is not None and path.get("stroke-dasharray") and path.get("marker-end") is None
    decided = [e for e in edges if e not in undecided]
    assert all(e.find(f"{SVG_NS}path").get("marker-end", "").startswith("url(#") for e in decided)
    labels = " ".join(t.text or "" for t in svg.iter(f"{SVG_NS}text"))
    assert "copy 96%" in labels and "rewrite 78%" in labels and "partial 50%" in labels
    # original reporting at the root: the wire sits above what derives from it
    y = {}
    for n in nodes:
        rect = n.find(f"{SVG_NS}rect")
        y[n.get("href")] = float(rect.get("y"))
    assert y["#a-wire01"] < y["#a-copy02"] and y["#a-wire01"] < y["#a-rewr03"]
    root = next(n for n in nodes if n.get("href") == "#a-wire01")
    assert "original" in "".join(root.itertext())


def test_claim_matrix_order_cells_and_badges(html: str) -> None:
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id("s-story-crane-claims").find_class("matrix")[0]
    rows = table.xpath(".//tbody/tr")
    texts = [" ".join(r.xpath("./th")[0].text_content().split()) for r in rows]
    assert texts[0].startswith("The pier was closed")  # 3 independent sources first
    assert texts[1].startswith("A container crane collapsed")
    cells = {
        t[:20]: [c.text_content().strip() for c in r.xpath("./td[contains(@class,'cell')]")]
        for t, r in zip(texts, rows)
    }
    assert cells["The pier was closed "] == ["✓", "✓", "✓"]
    assert cells["Two workers were tak"] == ["✓", "✗", "no"]
    assert cells["Three workers were t"] == ["✗", "✓", "no"]
    badges = [b.text_content() for b in table.find_class("badge")]
    assert {"corroborated", "single source", "added by rewrite", "contested"} <= set(badges)
    # the contested claim links to its conflict, which shows both wordings side by side
    link = rows[2].xpath(".//a[starts-with(@href,'#s-story-crane-x-')]")[0].get("href")
    conflict = doc.get_element_by_id(link[1:])
    sides = conflict.find_class("side")
    assert len(sides) == 2
    assert "Two workers" in sides[0].text_content() and "Three workers" in sides[1].text_content()
    assert "says three" in conflict.text_content()


def test_quotes_grouped_with_fidelity_and_diff(html: str) -> None:
    doc = lxml.html.fromstring(html)
    quotes = doc.get_element_by_id("s-story-crane-quotes")
    speakers = [" ".join(h.text_content().split()) for h in quotes.xpath(".//div[@class='speaker']/*[1]")]
    assert speakers[0].startswith("Maria Okafor (3 quotes)")
    assert "<b>Mallory</b> (1 quote)" in speakers
    for fidelity in ("verbatim", "close", "altered", "unattested", "single_source"):
        assert quotes.find_class(f"fi-{fidelity}"), fidelity
    altered = quotes.find_class("quote fi-altered")[0]
    assert [d.text_content() for d in altered.xpath(".//div[@class='diffbox']//del")] == [
        "[only in the other version: grateful]",
        "[only in the other version: no one was killed,]",
    ]
    assert [i.text_content() for i in altered.xpath(".//div[@class='diffbox']//ins")] == [
        "[only in this quote: lucky]",
        "[only in this quote: nobody died,]",
    ]


def test_citations_link_to_existing_sentences(html: str) -> None:
    doc = lxml.html.fromstring(html)
    ids = set(doc.xpath("//@id"))
    hrefs = doc.xpath("//a/@href")
    assert hrefs
    for href in hrefs:
        assert href[1:] in ids, href
    summary = doc.get_element_by_id("s-story-crane-summary")
    cites = summary.xpath(".//a[@class='cite']/@href")
    assert "#a-wire01-s0" in cites and "#a-indp04-s0" in cites
    assert len(ids) == len(doc.xpath("//@id"))  # no duplicate ids


def test_article_highlights(html: str) -> None:
    doc = lxml.html.fromstring(html)

    def marks(sentence_id: str) -> list[str]:
        return [m.text_content() for m in doc.get_element_by_id(sentence_id).find_class("mk")]

    assert marks("a-copy02-s0") == ["copied"]
    assert marks("a-copy02-s2") == ["paraphrased"]
    assert marks("a-rewr03-s3") == ["added"]
    assert marks("a-part06-s1") == ["off-topic"]
    assert marks("a-wire01-s0") == []  # the source itself is not accused of anything
    assert marks("a-part06-s0") == []  # undecided direction: no "copied" accusation
    copied_link = doc.get_element_by_id("a-copy02-s0").xpath(".//a[@class='mk mk-copied']/@href")
    assert copied_link == ["#a-wire01-s0"]
    removed = doc.get_element_by_id("a-copy02").xpath(".//details[@class='removed']")[0]
    assert "Subscribe to our newsletter" in removed.text_content()


def test_skipped_and_generator(html: str) -> None:
    assert "inbox/broken.pdf" in html
    assert "storytrace/dossier@1" in html


def test_markdown_findings(dossier: Dossier) -> None:
    md = render_markdown(dossier)
    for expected in (
        "## Crane collapses at Port Alder's Pier 4",
        "6 articles · 3 independent source groups",
        "Coastal Wire → Harbour Daily: copy 96%",
        "Coastal Wire → Bay Herald: rewrite 78%",
        "Northern Times — Metro Digest: partial 50% (direction undecided: most often a common source)",
        "**Corroborated**",
        "**Single source**",
        "**Added by a rewrite",
        "Union leaders blamed",
        "Conflict 1 (high, number): Coastal Wire says two workers",
        "We are [-grateful-] {+lucky+} that [-no one was killed,-] {+nobody died,+}",
        "Unattested:",
        "Alder Rovers beat Kingsport",
        "week of 2025-05-12: Inspections",
        "[Coastal Wire] [Northern Times]",
        "inbox/broken.pdf",
    ):
        assert expected in md, expected


def test_markdown_cannot_inject(dossier: Dossier) -> None:
    md = render_markdown(dossier)
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert_inert(rendered)
    assert "<a " not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown, as text


TOKENS = [*"ab :/.@<>[]()!*_`#&;\\-|~\"'=\n", "www.", "http://", "javascript:", "&amp;", "1. "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_md_escape_is_inert_and_lossless(text: str) -> None:
    escaped = md_escape(text)
    assert "\n" not in escaped
    rendered = MarkdownIt("commonmark").render("- " + escaped)
    assert "<a " not in rendered and "<img" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    # what the reader sees is the content itself (whitespace collapsed)
    shown = lxml.html.fromstring(rendered).text_content().strip() if rendered.strip() else ""
    assert shown == " ".join(text.split())
