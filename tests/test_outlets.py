"""Outlets across stories (storytrace.store.outlets): the counting rules on hand-built stories, then a real SQLite
store holding the example corpus plus a credited derivative of an outlet with a hostile name, read by the library,
the `storytrace outlets` command, `storytrace serve` on 127.0.0.1 over real sockets, and Chromium."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.records import Article, Dossier, Generator, Reuse, Story, Verdict, to_jsonable
from storytrace.store import UnknownId, open_store
from storytrace.store.outlets import (
    VERDICT_KINDS,
    credit_share,
    get_outlet,
    list_outlets,
    outlet_key,
    outlet_of,
    outlets_of,
)
from storytrace.web.views import outlet_href
from verdict_sample import verdict_dossier

HOSTILE = "Evil <script>alert(1)</script> / News?x=1#top"
STORM = (
    "BRENTWICK — A storm flooded the seafront of Brentwick on Sunday night, the city council said.\n\n"
    "Waves up to four metres high damaged the promenade and forced the closure of three cafes.\n\n"
    "Council leader Oliver Hale said repairs to the sea wall would cost at least 2 million euros.\n\n"
    "The coastguard rescued two fishermen whose boat lost power off Gull Point."
)


# -- the counting rules, on hand-built stories ---------------------------------------------------------------------


def test_counting_rules() -> None:
    report = outlets_of(verdict_dossier())
    by_name = {o.name: o for o in report.outlets}
    assert report.outlets[0].name == "Coastal Wire"  # most articles first; the commonest spelling names it
    wire = by_name["Coastal Wire"]
    assert (wire.articles, wire.stories) == (2, 2)  # "coastal  WIRE" is the same outlet
    assert {k: n for k, n in wire.verdicts.items() if n} == {"original": 2, "copy": 1}
    assert wire.takes_from == []  # its own update is not copying
    harbour, herald = by_name["Harbour Daily"], by_name["Bay Herald"]
    assert harbour.verdicts["copy"] == 1 and herald.verdicts["rewrite"] == 1
    assert [(t.outlet, t.links, t.uncredited) for t in harbour.takes_from] == [("Coastal Wire", 1, 1)]
    assert [(t.outlet, t.links, t.credited) for t in herald.takes_from] == [("Coastal Wire", 1, 1)]
    assert by_name["Metro Digest"].takes_from == []  # its only link is undecided: no accusation
    assert by_name["Riverside Post"].verdicts["none"] == 1  # a story stored without verdicts
    king = by_name["Kingsport Courier"]
    assert [(t.outlet, t.credited) for t in king.takes_from] == [("Associated Press", 1)]  # a wire outside the pile
    assert report.unnamed_articles == 1
    assert "Associated Press" not in by_name  # a source outside the store is no outlet of it
    detail = outlet_of(verdict_dossier(), "  COASTAL wire ")
    assert [(t.outlet, t.credited, t.uncredited) for t in detail.taken_by] == [
        ("Harbour Daily", 0, 1),  # at equal counts, the uncredited first
        ("Bay Herald", 1, 0),
    ]
    assert {(r.story, r.article) for r in detail.articles} == {
        ("story-crane", "wire01"),
        ("story-more", "wire01"),
        ("story-more", "wire08"),
    }
    with pytest.raises(UnknownId, match="no outlet named 'Associated Press'"):
        outlet_of(verdict_dossier(), "Associated Press")
    assert credit_share(1, 1, 1) == "1 of 2 credited (1 unknown)" and credit_share(0, 0, 2) == "credit unknown"
    assert credit_share(0, 0, 0) == ""


OUTLETS = ["Alpha", "alpha ", "Beta", "GAMMA", None, ""]


@st.composite
def piles(draw: Any) -> Dossier:
    n = draw(st.integers(1, 7))
    articles = [
        Article(id=f"a{i}", origin=f"a{i}", origins=[f"a{i}"], text="x", outlet=draw(st.sampled_from(OUTLETS)))
        for i in range(n)
    ]
    ids = [a.id for a in articles]
    stories = []
    for s in range(draw(st.integers(1, 3))):
        members = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        pairs = [(a, b) for a in members for b in members if a != b]
        links = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
        reuse = [
            Reuse(
                a,
                b,
                draw(st.sampled_from(["copy", "rewrite", "partial"])),
                0.5,
                direction=draw(st.sampled_from(["decided", "undecided"])),
                credited=draw(st.sampled_from([True, False, None])),
            )
            for a, b in links
        ]
        verdicts = [
            Verdict(a, draw(st.sampled_from(VERDICT_KINDS[:-1])))
            for a in members
            if draw(st.booleans())  # some articles have no stored verdict
        ]
        stories.append(Story(id=f"s{s}", headline="", articles=members, reuse=reuse, verdicts=verdicts))
    return Dossier("storytrace/dossier@1", Generator("storytrace", "0"), {}, articles, stories)


@settings(max_examples=80, deadline=None)
@given(piles())
def test_every_verdict_and_link_is_counted_once(dossier: Dossier) -> None:
    report = outlets_of(dossier)
    key = {a.id: outlet_key(a.outlet) for a in dossier.articles}
    rows = [(s.id, a) for s in dossier.stories for a in s.articles if key[a]]
    assert sum(sum(o.verdicts.values()) for o in report.outlets) == len(rows)
    assert report.unnamed_articles == len({a for s in dossier.stories for a in s.articles if not key[a]})
    links = [
        r
        for s in dossier.stories
        for r in s.reuse
        if r.direction == "decided" and key[r.derived] and key[r.source] != key[r.derived]
    ]
    assert sum(t.links for o in report.outlets for t in o.takes_from) == len(links)
    for o in report.outlets:
        assert o.credited + o.uncredited + o.unknown == sum(t.links for t in o.takes_from)
        assert sum(t.credited for t in o.takes_from) == o.credited
    named_sources = [r for r in links if key[r.source]]
    assert sum(t.links for o in report.outlets for t in outlet_of(dossier, o.name).taken_by) == len(named_sources)
    assert len({outlet_key(o.name) for o in report.outlets}) == len(report.outlets)


@given(st.text(min_size=1))
def test_an_outlet_link_is_one_path_segment_that_decodes_to_the_name(name: str) -> None:
    href = outlet_href(name)
    segment = href.removeprefix("/outlets/")
    assert re.fullmatch(r"[A-Za-z0-9_~%-]*", segment)  # no "/", "?", "#", "." or space left to end or bend the path
    assert unquote(segment) == name


# -- a real store --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus, then a report by an outlet with a hostile name and a derivative that credits it."""
    folder = tmp_path_factory.mktemp("outlets")
    path = folder / "outlets.db"
    shutil.copy(corpus_db, path)
    source = {"title": "Storm floods Brentwick seafront", "outlet": HOSTILE, "published": "2025-06-01", "text": STORM}
    derived = {
        "title": "Brentwick seafront flooded",
        "outlet": "Kestrel Ledger",
        "published": "2025-06-02",
        "text": STORM + f"\n\nMore storms are forecast for Thursday, {HOSTILE} reported.",
    }
    files = []
    for name, record in (("source.jsonl", source), ("derived.jsonl", derived)):
        (folder / name).write_text(json.dumps(record) + "\n", encoding="utf-8")
        files.append(str(folder / name))
    with open_store(path) as store:
        report = store.ingest(files)
        assert len(report.added) == 2 and not report.skipped
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_outlets_from_the_stored_verdicts(db: Path) -> None:
    with open_store(db) as store:
        report = list_outlets(store)
        # an independent recount over the stored stories
        expected: dict[str, Counter[str]] = {}
        for summary in store.list_stories():
            story = store.get_story(summary.id)
            verdicts = {v.article: v.verdict for v in story.verdicts}
            for aid in story.articles:
                key = outlet_key(store.get_article(aid).outlet)
                if key:
                    expected.setdefault(key, Counter())[verdicts.get(aid, "none")] += 1
        kestrel = get_outlet(store, "kestrel ledger")
        hostile = get_outlet(store, HOSTILE.upper())
    got = {outlet_key(o.name): Counter({k: n for k, n in o.verdicts.items() if n}) for o in report.outlets}
    assert got == expected
    assert sum(expected["meridian press"].values()) >= 3  # the corpus's wire, in several stories
    assert [(t.outlet, t.links, t.credited) for t in kestrel.outlet.takes_from] == [(HOSTILE, 1, 1)]
    assert kestrel.articles[0].verdict is not None and kestrel.articles[0].verdict.credited is True
    assert [(t.outlet, t.credited) for t in hostile.taken_by] == [("Kestrel Ledger", 1)]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storytrace", "outlets", *args], capture_output=True, text=True, timeout=120
    )


def test_the_outlets_command(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store:
        expected = to_jsonable(list_outlets(store))
        one = to_jsonable(get_outlet(store, "Kestrel Ledger"))
    listed = run_cli("--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == expected
    detail = run_cli("KESTREL LEDGER", "--db", str(db), "--json")
    assert json.loads(detail.stdout) == one
    table = run_cli("--db", str(db))
    assert table.returncode == 0 and "Kestrel" in table.stdout and "original" in table.stdout
    text = run_cli("Kestrel Ledger", "--db", str(db))
    assert text.returncode == 0 and "takes from Evil <script>alert(1)</script>" in text.stdout.replace("\n", " ")
    unknown = run_cli("No Such Paper", "--db", str(db))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "error: no outlet named 'No Such Paper' in the stored stories"
    missing = run_cli("--db", str(tmp_path / "none.db"))
    assert (
        missing.returncode == 2
        and missing.stderr.startswith("error: no database at")
        and "Traceback" not in (missing.stderr)
    )
    assert not (tmp_path / "none.db").exists()


# -- the web app, served ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"storytrace serve exited: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("storytrace serve did not open its port within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_outlet_pages_link_to_their_evidence(server: str, db: Path) -> None:
    with open_store(db) as store:
        names = [o.name for o in list_outlets(store).outlets]
    with httpx.Client(base_url=server, timeout=30) as http:
        page = http.get("/outlets")
        assert page.status_code == 200
        doc = lxml.html.fromstring(page.text)
        hrefs = doc.xpath("//a[@class='outlet-link']/@href")
        assert [unquote(h.removeprefix("/outlets/")) for h in hrefs] == names
        assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        for name, href in zip(names, hrefs, strict=True):
            one = http.get(href)
            assert one.status_code == 200, (name, href)
            odoc = lxml.html.fromstring(one.text)
            assert odoc.xpath("string(//h1)") == name
            rows = odoc.xpath("//table[contains(@class,'evidence')]//tbody/tr")
            assert rows
            for link in odoc.xpath("//table[contains(@class,'evidence')]//a/@href"):
                assert re.fullmatch(r"/(stories|articles)/[^/]+", link.split("#")[0]), link
                assert http.get(link.split("#")[0]).status_code == 200, link
        listed = http.get("/outlets.json").json()
        assert [o["name"] for o in listed["outlets"]] == names
        hostile = http.get("/outlets.json", params={"name": HOSTILE}).json()
        assert hostile["outlet"]["name"] == HOSTILE and hostile["taken_by"][0]["outlet"] == "Kestrel Ledger"
        assert http.get(outlet_href("No Such Paper")).status_code == 404
        err = http.get("/outlets.json", params={"name": "No Such Paper"})
        assert err.status_code == 404
        assert err.json() == {
            "error": {"status": 404, "message": "no outlet named 'No Such Paper' in the stored stories"}
        }


INERT = """() => ({
  scripts: document.scripts.length,
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on'))
    .map(a => e.tagName + ' ' + a.name)).length,
})"""


@pytest.mark.browser
def test_from_the_outlet_list_to_the_evidence_in_chromium(server: str, new_page: Any) -> None:
    page = new_page()
    page.goto(server + "/outlets")
    page.locator("a.outlet-link", has_text="Kestrel Ledger").click()
    page.wait_for_url(re.compile(r"/outlets/Kestrel%20Ledger$"))
    assert "credited" in page.locator(".outlet-facts").inner_text()
    # the source outlet's hostile name survives the round trip through its URL, and shows as text
    page.locator("section[aria-labelledby='takes-h'] a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.evaluate(INERT) == {"scripts": 0, "handlers": 0}
    # back by who takes from it, then that article's page: its verdict line first, naming its source
    page.locator("section[aria-labelledby='taken-h'] a", has_text="Kestrel Ledger").click()
    page.wait_for_url(re.compile(r"/outlets/Kestrel%20Ledger$"))
    page.locator("table.evidence a.article-link").first.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]+$"))
    assert page.locator("main h1 + section.verdict-of").count() == 1
    verdict = page.locator(".verdict").first
    assert verdict.is_visible()
    facts = verdict.locator(".verdict-facts").inner_text()
    assert "derivative" in facts and HOSTILE in facts and "(credited)" in facts
    assert page.dialogs == []
