"""The web app in a real browser: `storytrace serve` in a subprocess on 127.0.0.1, Debian's Chromium through
Playwright (shared fixtures in browser_fixtures.py). Proves the pages render the example corpus, that a reader can
click from the story list to a claim's evidence sentence, and that an article full of markup stays inert."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import browser_fixtures
from storytrace.store import open_store

pytestmark = pytest.mark.browser


XSS_TITLE = "Dock fire <script>alert(1)</script> closes pier <img src=x onerror=alert(1)>"
XSS = f"""{XSS_TITLE}

Firefighters battled a dock fire at Port Valmora on Monday <a href="javascript:alert(1)">x</a> before dawn.
The harbour master <b onmouseover="alert(1)" onclick="alert(1)">Ana Ruiz</b> said the pier would reopen on Friday.
"We were lucky <svg onload=alert(1)>", she said. <iframe src="javascript:alert(1)"></iframe>
Nobody was hurt in the fire, the port authority said. <body onload=alert(1)><style>body{{display:none}}</style>
"""

INERT_CHECK = """() => ({
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on'))
    .map(a => e.tagName + ' ' + a.name)),
  jsLinks: [...document.querySelectorAll('[href],[src],[action]')].filter(e =>
    /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')).length,
  frames: document.querySelectorAll('iframe,object,embed').length,
  contentImages: document.querySelectorAll('img[src="x"]').length,
  styles: document.querySelectorAll('style').length,
})"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """`storytrace serve` over a copy of the example-corpus database; yields (base URL, db path, printed line)."""
    db = tmp_path_factory.mktemp("served") / "served.db"
    shutil.copy(corpus_db, db)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    first_line = proc.stdout.readline()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"storytrace serve exited: {first_line}{proc.stdout.read()}")
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("storytrace serve did not open its port within 60 s")
    yield f"http://127.0.0.1:{port}", db, first_line
    proc.terminate()
    proc.wait(10)


def test_serve_prints_the_url_it_binds(server) -> None:
    url, _, line = server
    assert f"{url}/" in line


def test_click_from_story_list_to_the_evidence_sentence(server, new_page) -> None:
    url, db, _ = server
    with open_store(db) as store:
        biggest = store.list_stories()[0]
    page = new_page()
    page.goto(url + "/")
    page.locator(f'tr[data-story="{biggest.id}"] a.story-link').click()
    page.wait_for_url(re.compile(rf"/stories/{re.escape(biggest.id)}$"))
    for section in ("summary", "map", "claims", "conflicts", "quotes", "timeline", "offtopic", "articles"):
        assert page.locator(f'section[id$="-{section}"]').first.is_visible(), f"{section} is not shown"
    assert page.locator("svg").first.is_visible()
    # a claim of the matrix, then the first article it cites: the page jumps to that sentence
    claim = page.locator("table.matrix tbody tr").first
    claim_text = claim.locator("th.claim-text").inner_text()
    cite = claim.locator("a.cite").first
    href = cite.get_attribute("href")
    assert href and re.fullmatch(r"#a-[0-9a-f]+-s\d+", href), href
    cite.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    sentence = page.locator(href)
    assert sentence.is_visible() and sentence.evaluate("e => e.matches(':target')")
    article_id, index = re.fullmatch(r"#a-([0-9a-f]+)-s(\d+)", href).groups()  # type: ignore[union-attr]
    with open_store(db) as store:
        expected = store.get_article(article_id).sentence_text(int(index))
    assert expected.split()[0] in sentence.inner_text()
    assert claim_text.strip()
    # and the same sentence on the article's own page
    page.goto(f"{url}/articles/{article_id}{href}")
    own = page.locator(href)
    assert own.is_visible() and own.evaluate("e => e.matches(':target')")
    assert expected in own.inner_text()
    assert page.dialogs == [] and not [e for e in page.console_errors if "Content Security Policy" in e]


def test_search_and_sort_in_the_browser(server, new_page) -> None:
    url, db, _ = server
    page = new_page()
    page.goto(url + "/")
    page.fill("#q", "kessingby")
    page.select_option("#sort", "recent")
    page.select_option("#min_articles", "1")  # the Kessingby story is one article: hidden by default
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"q=kessingby"))
    with open_store(db) as store:
        expected = [s.id for s in store.list_stories("kessingby", "recent")]
    shown = page.locator("tr[data-story]").evaluate_all("rows => rows.map(r => r.dataset.story)")
    assert shown == expected and expected


def test_an_article_full_of_markup_renders_inert(server, new_page, tmp_path: Path) -> None:
    url, _, _ = server
    upload = tmp_path / "dock-fire.txt"
    upload.write_text(XSS, encoding="utf-8")
    page = new_page()
    page.goto(url + "/upload")
    page.set_input_files("#files", str(upload))
    page.click("form.upload button")
    page.wait_for_url(url + "/upload")
    assert page.locator("ul.uploaded").count() == 1, page.locator("main").inner_text()
    article_link = page.locator("ul.uploaded a").first
    story_link = page.locator("ul.uploaded a.story-link").first
    article_href = article_link.get_attribute("href")
    story_href = story_link.get_attribute("href")
    assert article_href and story_href
    for target in (story_href, article_href, "/?q=dock"):
        page.goto(url + target)
        page.wait_for_timeout(300)  # give any injected handler the chance to fire
        found = page.evaluate(INERT_CHECK)
        assert found == {"scripts": 0, "handlers": [], "jsLinks": 0, "frames": 0, "contentImages": 0, "styles": 0}
        assert XSS_TITLE in page.locator("main").inner_text(), f"the title is not shown literally on {target}"
    page.goto(url + article_href)
    body = page.locator("main").inner_text()
    assert '<a href="javascript:alert(1)">x</a>' in body
    assert '<b onmouseover="alert(1)" onclick="alert(1)">Ana Ruiz</b>' in body
    page.locator("main").hover()
    page.locator("main").click()
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_the_phone_layout_has_no_sideways_scroll(server, new_page) -> None:
    url, db, _ = server
    with open_store(db) as store:
        sid = store.list_stories()[0].id
    page = new_page(viewport=browser_fixtures.PHONE)
    for target in ("/", f"/stories/{sid}", "/upload"):
        page.goto(url + target)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{target} scrolls sideways by {overflow}px on a phone"
