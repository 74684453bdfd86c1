"""The report and the Markdown over the real `storytrace analyze examples/harbour-fire/` output."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import lxml.html
import pytest

from storytrace.dossier import dossier_json
from storytrace.dossier.html import render_html, story_anchor
from storytrace.dossier.markdown import md_escape, render_markdown
from storytrace.records import Dossier
from test_report import SECTIONS, SVG_NS, assert_inert

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_dossier(corpus_dossier: Dossier) -> Dossier:
    """The session's corpus dossier through JSON and back, as the CLI and the store hand it over."""
    return Dossier.from_dict(json.loads(dossier_json(corpus_dossier)))


def test_corpus_report_has_every_section(report_dossier: Dossier) -> None:
    html = render_html(report_dossier)
    assert_inert(html)
    doc = lxml.html.fromstring(html)
    assert report_dossier.stories
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == len(report_dossier.stories)
    for story, raw in zip(report_dossier.stories, svgs, strict=True):
        anchor = story_anchor(story.id)
        for section in SECTIONS:
            assert doc.get_element_by_id(f"{anchor}-{section}") is not None, section
        svg = ET.fromstring(raw)
        nodes = [e for e in svg.iter() if (e.get("class") or "").split()[:1] == ["node"]]
        edges = [e for e in svg.iter() if "edge" in (e.get("class") or "").split()]
        assert len(nodes) == len(story.articles)
        assert len(edges) == len(story.reuse)
        assert all(n.find(f"{SVG_NS}title") is not None for n in nodes)
        # every article of the story has its view, every sentence its anchor
        for article_id in story.articles:
            article = next(a for a in report_dossier.articles if a.id == article_id)
            for i in range(len(article.sentences)):
                assert doc.get_element_by_id(f"a-{article_id}-s{i}") is not None
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert set(h[1:] for h in doc.xpath("//a/@href")) <= set(ids)


def test_corpus_markdown(report_dossier: Dossier) -> None:
    md = render_markdown(report_dossier)
    for story in report_dossier.stories:
        assert f"## {md_escape(story.headline)}" in md
        n, g = len(story.articles), len(story.groups)
        assert f"{n} article{'s' * (n != 1)} · {g} independent source group{'s' * (g != 1)}" in md
        for section in ("### Provenance", "### Claims", "### Conflicts", "### Quotes", "### Timeline", "### Summary"):
            assert section in md
        for r in story.reuse:
            assert f": {r.kind} {round(r.score * 100)}%" in md
        for x in story.conflicts:
            assert md_escape(x.explanation) in md
