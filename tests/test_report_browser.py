"""The report in a real browser (Debian's Chromium through Playwright): sections visible, citations jump to the
sentence (:target), keyboard reachable, no sideways overflow on a phone, hostile article inert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import PHONE
from report_sample import sample_dossier
from storytrace.dossier.html import render_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(sample_dossier()), encoding="utf-8")
    return path.as_uri()


def test_sections_visible_and_xss_inert(new_page: Any, report_url: str) -> None:
    page = new_page()
    page.goto(report_url)
    for section in ("summary", "map", "claims", "conflicts", "quotes", "timeline", "offtopic", "articles"):
        assert page.locator(f"#s-story-crane-{section}").is_visible(), section
    assert page.locator("#s-story-crane-map svg.provenance-map").is_visible()
    assert page.locator("#a-xss005").is_visible()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.evaluate("document.scripts.length") == 0
    # the hostile strings are on the page as text
    assert "<script>alert(1)</script>" in page.locator("#a-xss005-h").inner_text()


def test_summary_citation_targets_the_sentence(new_page: Any, report_url: str) -> None:
    page = new_page()
    page.goto(report_url)
    page.locator("#s-story-crane-summary a.cite", has_text="Northern Times").first.click()
    page.wait_for_function("location.hash === '#a-indp04-s0'")
    assert page.evaluate("document.querySelector(':target').id") == "a-indp04-s0"
    assert page.locator("#a-indp04-s0").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('#a-indp04-s0')).outlineStyle") == "solid"
    # a claim row's citation goes to the article sentence, and the conflict link to the conflict
    page.locator("#s-story-crane-claims a[href^='#s-story-crane-x-']").first.click()
    page.wait_for_function("location.hash.startsWith('#s-story-crane-x-')")
    assert page.locator(":target .side").count() == 2


def test_keyboard_skip_link_and_tab_reach_links(new_page: Any, report_url: str) -> None:
    page = new_page()
    page.goto(report_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator(".skip").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        seen.add(
            page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.getAttribute('href') || '')")
        )
    assert any(s.startswith("A:#") for s in seen), seen
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_phone_viewport_has_no_sideways_overflow(new_page: Any, report_url: str) -> None:
    page = new_page(viewport=PHONE)
    page.goto(report_url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.evaluate("document.body.scrollWidth") <= page.evaluate("innerWidth")
    assert width <= PHONE["width"]
    # the wide map scrolls inside its own box instead
    assert page.evaluate("document.querySelector('.map-scroll').scrollWidth") > PHONE["width"] - 40
    assert page.dialogs == []


def test_print_expands_details(new_page: Any, report_url: str) -> None:
    page = new_page()
    page.goto(report_url)
    assert not page.locator("#a-copy02 details.removed li").first.is_visible()
    page.emulate_media(media="print")
    assert page.locator("#a-copy02 details.removed li").first.is_visible()
