"""Triage (issue 12 part 3): one count of conflicts and accusations everywhere, filters by finding, severity, outlet,
dates and size on the command line, the web app and the report, single-article stories hidden by default, and
permalinks and claim pages in the web app.

Real components: the example corpus in a real SQLite store (``corpus_db``), the real CLI, FastAPI's TestClient over
the real app, ``storytrace serve`` and Chromium for the clicks. Every expected set is recounted here from the stored
records, not from the triage module's own functions.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.dossier.html import render_html, render_story_html
from storytrace.dossier.markdown import render_markdown
from storytrace.dossier.triage import (
    SORTS,
    StoryCounts,
    TriageFilter,
    filter_dossier,
    sort_counts,
    triage,
)
from storytrace.errors import UsageError
from storytrace.records import Article, Story
from storytrace.store import count_contested, open_store
from storytrace.web import create_app

runner = CliRunner()


# -- an independent recount of what the stored records say ------------------------------------------------------------


def accused(story: Story) -> bool:
    """The brief's accusations, counted from the records: decided reuse that does not name its source, unsupported
    additions, conflicts, altered quotes."""
    return (
        any(r.direction == "decided" and r.credited is not True for r in story.reuse)
        or any(c.status == "unsupported_addition" for c in story.claims)
        or bool(story.conflicts)
        or any(q.fidelity == "altered" for q in story.quotes)
    )


@pytest.fixture(scope="module")
def db(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("triage") / "triage.db"
    shutil.copy(corpus_db, path)
    return path


@pytest.fixture(scope="module")
def stored(db: Path) -> tuple[list[Story], dict[str, Article]]:
    with open_store(db) as store:
        stories = [store.get_story(s.id) for s in store.list_stories()]
        articles = {a: store.get_article(a) for a in store.article_ids()}
    return stories, articles


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, allowed_hosts=["testserver", "127.0.0.1"]))


def cli_json(db: Path, *flags: str) -> dict:
    result = runner.invoke(app, ["stories", "--db", str(db), "--json", *flags])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(listing: dict) -> list[str]:
    return [s["id"] for s in listing["stories"]]


def story_ids(html: str) -> list[str]:
    return re.findall(r'data-story="([^"]+)"', html)


# -- one number ------------------------------------------------------------------------------------------------------


def test_conflicts_are_one_number_in_the_list_the_page_and_the_store(db: Path, stored, client: TestClient) -> None:
    stories, _ = stored
    listing = {s["id"]: s for s in cli_json(db, "--all")["stories"]}
    web = client.get("/?min_articles=1").text
    with open_store(db) as store:
        column = {s.id: s.n_contested for s in store.list_stories()}
    assert any(s.conflicts for s in stories)  # the corpus has a story with conflicts: the test can fail
    for story in stories:
        n = len(story.conflicts)
        assert count_contested(story) == n == column[story.id] == listing[story.id]["conflicts"]
        page = client.get(f"/stories/{story.id}").text
        head = lxml.html.fromstring(page).find_class("facts")[0].text_content()
        assert re.search(rf"\b{n}\s+conflicts?\b", " ".join(head.split())), head
        row = lxml.html.fromstring(web).xpath(f"//tr[@data-story='{story.id}']")[0]
        assert row.xpath("./td[@data-label='conflicts']")[0].text_content().strip() == str(n)


# -- the command line ------------------------------------------------------------------------------------------------


def test_single_article_stories_are_hidden_unless_asked(db: Path, stored) -> None:
    stories, _ = stored
    singles = {s.id for s in stories if len(s.articles) == 1}
    assert singles  # the Kessingby shed fire
    plain = runner.invoke(app, ["stories", "--db", str(db)])
    assert plain.exit_code == 0, plain.output
    assert not any(sid in plain.stdout for sid in singles)
    assert f"{len(singles)} single-article stor" in plain.stdout and "--all shows" in plain.stdout
    every = runner.invoke(app, ["stories", "--db", str(db), "--all"])
    assert all(sid in every.stdout for sid in singles) and "hidden" not in every.stdout
    listing = cli_json(db)
    assert listing["hidden_small"] == len(singles) and listing["total"] == len(stories)
    assert set(ids(listing)) == {s.id for s in stories} - singles
    assert set(ids(cli_json(db, "--min-articles", "1"))) == {s.id for s in stories}
    assert set(ids(cli_json(db, "--min-articles", "6"))) == {s.id for s in stories if len(s.articles) >= 6}


def test_filters_on_the_command_line_match_a_recount(db: Path, stored) -> None:
    stories, articles = stored

    def outlets(s: Story) -> set[str]:
        return {" ".join((articles[a].outlet or "").split()).casefold() for a in s.articles}

    def dates(s: Story) -> list[str]:
        return [d[:10] for a in s.articles if (d := articles[a].published)]

    cases = {
        ("--only-accused",): {s.id for s in stories if accused(s)},
        ("--severity", "high"): {s.id for s in stories if any(x.severity == "high" for x in s.conflicts)},
        ("--finding", "quote"): {s.id for s in stories if any(q.fidelity == "altered" for q in s.quotes)},
        ("--finding", "addition", "--finding", "quote"): {
            s.id
            for s in stories
            if any(c.status == "unsupported_addition" for c in s.claims)
            or any(q.fidelity == "altered" for q in s.quotes)
        },
        ("--outlet", "  COASTAL   herald "): {s.id for s in stories if "coastal herald" in outlets(s)},
        ("--since", "2025-03-14"): {s.id for s in stories if any(d >= "2025-03-14" for d in dates(s))},
        ("--until", "2025-03-12"): {s.id for s in stories if any(d <= "2025-03-12" for d in dates(s))},
        ("--since", "2025-03", "--until", "2025-03"): {
            s.id for s in stories if any(d[:7] == "2025-03" for d in dates(s))
        },
    }
    for flags, expected in cases.items():
        got = set(ids(cli_json(db, "--all", *flags)))
        assert got == expected, flags
    assert any(cases.values()) and any(len(v) < len(stories) for v in cases.values())  # the filters do filter
    # sorted as asked: most conflicts first, then most accusations first
    by_conflicts = cli_json(db, "--all", "--sort", "contested")["stories"]
    assert [s["conflicts"] for s in by_conflicts] == sorted((s["conflicts"] for s in by_conflicts), reverse=True)
    by_accusations = cli_json(db, "--all", "--sort", "accusations")["stories"]
    assert [s["accusations"] for s in by_accusations] == sorted(
        (s["accusations"] for s in by_accusations), reverse=True
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--since", "2025-02-30"], "--since wants a date as YYYY-MM-DD"),
        (["--until", "March"], "--until wants a date"),
        (["--since", "2025-04", "--until", "2025-03"], "--since 2025-04 is after --until 2025-03"),
        (["--finding", "copy"], "unknown finding 'copy': use one of reuse, addition, conflict, quote"),
        (["--severity", "medium"], "unknown severity 'medium'"),
        (["--min-articles", "0"], "--min-articles wants a number of articles, 1 or more"),
        (["--all", "--min-articles", "3"], "--all shows every story; it cannot go with --min-articles 3"),
        (["--sort", "alphabetical"], "unknown sort 'alphabetical'"),
    ],
)
def test_bad_filters_are_one_line_errors(db: Path, flags: list[str], message: str) -> None:
    result = runner.invoke(app, ["stories", "--db", str(db), *flags])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_analyze_refuses_a_bad_report_filter_before_reading(tmp_path: Path) -> None:
    start = time.monotonic()
    result = runner.invoke(app, ["analyze", str(tmp_path / "nothing-here"), "--min-articles", "0", "--quiet"])
    assert result.exit_code == 2 and "--min-articles wants a number of articles" in result.stderr
    assert time.monotonic() - start < 30  # no pipeline ran


# -- the rules, for any stories --------------------------------------------------------------------------------------

DATES = st.sampled_from(["2025-03-01", "2025-03-14", "2025-04-02", "2024-12-31"])
OUTLETS = st.sampled_from(["Coastal Wire", "Harbour Daily", "coastal  wire", "Kestrel Ledger"])


@st.composite
def counts(draw: st.DrawFn, n: int) -> StoryCounts:
    conflicts = draw(st.integers(0, 4))
    dates = sorted(draw(st.lists(DATES, max_size=3)))
    return StoryCounts(
        id=f"s-{n}",
        headline=f"story {n}",
        n_articles=draw(st.integers(1, 6)),
        n_groups=draw(st.integers(1, 3)),
        reuse=draw(st.integers(0, 2)),
        additions=draw(st.integers(0, 2)),
        conflicts=conflicts,
        high_conflicts=draw(st.integers(0, conflicts)),
        altered_quotes=draw(st.integers(0, 2)),
        first_published=dates[0] if dates else None,
        latest_published=dates[-1] if dates else None,
        outlets=tuple(draw(st.lists(OUTLETS, max_size=2, unique=True))),
        dates=tuple(dates),
    )


FILTERS = st.builds(
    TriageFilter.build,
    findings=st.lists(st.sampled_from(["reuse", "addition", "conflict", "quote"]), max_size=2),
    severity=st.sampled_from([None, "high", "low"]),
    outlet=st.sampled_from([None, "coastal wire", "Kestrel Ledger", "Nobody"]),
    since=st.sampled_from([None, "2025", "2025-03-14"]),
    until=st.sampled_from([None, "2025-03", "2025-04-02"]),
    min_articles=st.sampled_from([None, 1, 3]),
    accused=st.booleans(),
)


def spec(c: StoryCounts, f: TriageFilter, any_size: bool = False) -> bool:
    """The filter's rules written out once more, plainly."""
    if not any_size and c.n_articles < f.min_articles:
        return False
    if f.accused and not (c.reuse or c.additions or c.conflicts or c.altered_quotes):
        return False
    conflicts = {None: c.conflicts, "high": c.high_conflicts, "low": c.conflicts - c.high_conflicts}[f.severity]
    have = {"reuse": c.reuse, "addition": c.additions, "conflict": conflicts, "quote": c.altered_quotes}
    kinds = f.findings or ({"conflict"} if f.severity else set())
    if kinds and not any(have[k] for k in kinds):
        return False
    if f.outlet and f.outlet.casefold() not in {" ".join(o.split()).casefold() for o in c.outlets}:
        return False
    if f.since and not any(
        d[: len(f.since)] >= f.since and (not f.until or d[: len(f.until)] <= f.until) for d in c.dates
    ):
        return False
    return not (f.until and not any(d[: len(f.until)] <= f.until for d in c.dates))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 8).flatmap(lambda n: st.tuples(*[counts(i) for i in range(n)])), FILTERS, st.sampled_from(SORTS))
def test_filters_keep_exactly_what_the_rules_say(rows: tuple[StoryCounts, ...], flt: TriageFilter, sort: str) -> None:
    found = triage(rows, flt, sort)
    assert {r.id for r in found.rows} == {r.id for r in rows if spec(r, flt)}
    assert found.hidden_small == sum(1 for r in rows if r.n_articles < flt.min_articles and spec(r, flt, any_size=True))
    assert found.total == len(rows)
    # showing every size adds exactly the hidden ones; narrowing to accusations never adds a story
    assert len(triage(rows, flt.everything(), sort).rows) == len(found.rows) + found.hidden_small
    narrower = TriageFilter(**{**flt.__dict__, "accused": True})
    assert {r.id for r in triage(rows, narrower, sort).rows} <= {r.id for r in found.rows}
    # the order is the one asked for, and a permutation of the kept rows
    assert sorted(r.id for r in sort_counts(found.rows, sort)) == sorted(r.id for r in found.rows)
    key = {
        "size": lambda r: -r.n_articles,
        "contested": lambda r: -r.conflicts,
        "accusations": lambda r: -r.accusations,
    }
    if sort in key:
        assert [key[sort](r) for r in found.rows] == sorted(key[sort](r) for r in found.rows)
    else:
        dated = [r.latest_published for r in found.rows if r.latest_published]
        assert dated == sorted(dated, reverse=True)
        assert all(r.latest_published for r in found.rows[: len(dated)])


def test_a_filter_says_what_it_keeps() -> None:
    flt = TriageFilter.build(
        findings=["conflict"],
        severity="high",
        outlet=" Coastal  Wire ",
        since="2025-03-01",
        until="2025-03-31",
        accused=True,
    )
    assert flt.describe() == (
        "with accusations, with conflicts (high), by Coastal Wire, published 2025-03-01 to 2025-03-31, "
        "2 or more articles"
    )
    assert TriageFilter().describe(size=False) == ""
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        TriageFilter.build(since="2025-13")


# -- the report ------------------------------------------------------------------------------------------------------


def test_a_filtered_report_shows_only_the_kept_stories(corpus_dossier) -> None:
    flt = TriageFilter.build(min_articles=2, accused=True)
    kept = filter_dossier(corpus_dossier, flt)
    expected = [s.id for s in corpus_dossier.stories if accused(s) and len(s.articles) >= 2]
    assert [s.id for s in kept.stories] == expected and expected
    members = {a for s in kept.stories for a in s.articles}
    assert {a.id for a in kept.articles} == members  # no "articles in no story" from the stories left out
    html = render_html(kept, filtered=flt.describe(), total=len(corpus_dossier.stories))
    doc = lxml.html.fromstring(html)
    note = " ".join(doc.find_class("filtered")[0].text_content().split())
    n, total = len(expected), len(corpus_dossier.stories)
    assert note.startswith(f"Filtered: {n} of {total} stories, with accusations, 2 or more articles")
    shown = {e.get("id")[2:] for e in doc.find_class("story")}
    assert shown == set(expected)
    md = render_markdown(kept, filtered=flt.describe(), total=total)
    assert f"Filtered: {n} of {total} stories, with accusations, 2 or more articles." in md
    left_out = [s for s in corpus_dossier.stories if s.id not in expected]
    assert all(s.headline not in md for s in left_out if s.headline)


def test_the_report_index_links_each_finding_kind_to_its_stories(corpus_dossier) -> None:
    html = render_html(corpus_dossier)
    doc = lxml.html.fromstring(html)
    ids_on_page = {e.get("id") for e in doc.iter() if e.get("id")}
    assert all(h[1:] in ids_on_page for h in doc.xpath("//a/@href") if h.startswith("#"))  # every link lands
    index = {" ".join(li.xpath("./strong")[0].text_content().split()): li for li in doc.find_class("finding-index")[0]}
    conflicted = [s for s in corpus_dossier.stories if s.conflicts]
    links = index["Conflicts"].xpath(".//a/@href")
    assert links == [f"#s-{s.id}-conflicts" for s in conflicted if len(s.articles) > 1 or s.conflicts]
    altered = [s for s in corpus_dossier.stories if any(q.fidelity == "altered" for q in s.quotes)]
    assert index["Altered quotes"].xpath(".//a/@href") == [f"#s-{s.id}-quotes" for s in altered]
    # three stories read best open; a pile of many is folded (tests/test_rough_edges.py)
    assert not doc.find_class("story-fold")


def test_permalinks_for_every_claim_conflict_quote_and_article(corpus_dossier) -> None:
    story = max(corpus_dossier.stories, key=lambda s: len(s.articles))
    doc = lxml.html.fromstring(render_story_html(corpus_dossier, story.id))
    ids_on_page = {e.get("id") for e in doc.iter() if e.get("id")}
    wanted = [f"s-{story.id}-c-{c.id}" for c in story.claims]
    wanted += [f"s-{story.id}-x-{x.id}" for x in story.conflicts]
    wanted += [f"s-{story.id}-q-{q.id}" for q in story.quotes]
    wanted += [f"a-{a}" for a in story.articles]
    assert set(wanted) <= ids_on_page
    permalinks = {h[1:] for h in doc.xpath("//a[@class='permalink']/@href")}
    # every claim (but those a one-source line stands for with another claim of the same sentence), every conflict,
    # quote and article has its own link
    assert {w for w in wanted if "-c-" not in w} <= permalinks
    assert len([w for w in wanted if "-c-" in w and w in permalinks]) >= len({c.text for c in story.claims})


# -- the web app -----------------------------------------------------------------------------------------------------


def test_the_web_list_filters_and_shows_the_hidden(client: TestClient, stored, db: Path) -> None:
    stories, _ = stored
    singles = {s.id for s in stories if len(s.articles) == 1}
    page = client.get("/")
    assert set(story_ids(page.text)) == {s.id for s in stories} - singles
    show = lxml.html.fromstring(page.text).find_class("show-all")[0].get("href")
    assert set(story_ids(client.get(show).text)) == {s.id for s in stories}
    presets = {
        a.text_content(): a.get("href") for a in lxml.html.fromstring(page.text).xpath("//nav[@class='presets']/a")
    }
    assert set(story_ids(client.get(presets["With accusations"]).text)) == {
        s.id for s in stories if accused(s) and len(s.articles) >= 2
    }
    # the same filters as the command line, the same answer, one JSON shape
    for query, flags in (
        ("only_accused=1&min_articles=1", ["--only-accused", "--all"]),
        ("severity=high", ["--severity", "high"]),
        (
            "finding=quote&finding=addition&sort=accusations",
            ["--finding", "quote", "--finding", "addition", "--sort", "accusations"],
        ),
        ("outlet=coastal%20herald&since=2025-03", ["--outlet", "coastal herald", "--since", "2025-03"]),
    ):
        assert client.get(f"/stories.json?{query}").json() == cli_json(db, *flags), query
        assert story_ids(client.get(f"/?{query}").text) == ids(cli_json(db, *flags))
    bad = client.get("/stories.json?since=2025-02-30")
    assert bad.status_code == 400 and bad.json() == {
        "error": {"status": 400, "message": "since wants a date as YYYY-MM-DD (or YYYY-MM, YYYY), got '2025-02-30'"}
    }
    assert client.get("/?finding=copy").status_code == 400


def test_claim_pages_list_every_mention(client: TestClient, stored) -> None:
    stories, articles = stored
    story = max(stories, key=lambda s: len(s.articles))
    page = lxml.html.fromstring(client.get(f"/stories/{story.id}").text)
    links = {a.get("href") for a in page.find_class("claim-page")}
    assert {f"/claims/{story.id}/{c.id}" for c in story.claims} >= links and links
    for claim in story.claims[:12]:
        r = client.get(f"/claims/{story.id}/{claim.id}")
        assert r.status_code == 200
        doc = lxml.html.fromstring(r.text)
        mentions = doc.find_class("mention")
        assert len(mentions) == len(claim.mentions)
        for li, m in zip(mentions, claim.mentions, strict=True):
            href = li.find_class("mention-link")[0].get("href")
            index = m.sentence[0] if isinstance(m.sentence, list) else m.sentence
            assert href == f"/articles/{m.article}#a-{m.article}-s{index}"
            assert articles[m.article].sentence_text(index) in li.text_content()
        back = doc.xpath('//a[text()="its row in the story\'s claim matrix"]')[0].get("href")
        assert back == f"/stories/{story.id}#s-{story.id}-c-{claim.id}"
        assert client.get(f"/claims/{story.id}/{claim.id}.json").json()["claim"]["id"] == claim.id
    missing = client.get(f"/claims/{story.id}/c99999.json")
    assert missing.status_code == 404 and set(missing.json()["error"]) == {"status", "message"}
    assert client.get("/claims/s-nope/c1").status_code == 404


# -- in Chromium -----------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    served = tmp_path_factory.mktemp("triage-served") / "served.db"
    shutil.copy(db, served)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytrace", "serve", "--db", str(served), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # printed once the socket is bound
    assert f"http://127.0.0.1:{port}/" in line, line
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.mark.browser
def test_triage_in_the_browser(server: str, new_page, stored) -> None:
    stories, _ = stored
    page = new_page()
    page.goto(server + "/")
    page.click("nav.presets >> text=With accusations")
    page.wait_for_url(re.compile(r"only_accused=1"))
    shown = page.locator("tr[data-story]").evaluate_all("rows => rows.map(r => r.dataset.story)")
    assert set(shown) == {s.id for s in stories if accused(s) and len(s.articles) >= 2} and shown
    # the form: tick "altered quotes", every size, submit: the URL is the filter
    page.goto(server + "/")
    page.click("details.more-filters > summary")  # folded while no filter is set
    page.check("input[name=finding][value=quote]")
    page.select_option("#min_articles", "1")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"finding=quote"))
    shown = page.locator("tr[data-story]").evaluate_all("rows => rows.map(r => r.dataset.story)")
    assert set(shown) == {s.id for s in stories if any(q.fidelity == "altered" for q in s.quotes)}
    # a claim's permalink lands on its row; its page lists the mentions; a mention lands on its sentence
    story = max(stories, key=lambda s: len(s.articles))
    claim = story.claims[0]
    page.goto(f"{server}/stories/{story.id}#s-{story.id}-c-{claim.id}")
    row = page.locator(f"#s-{story.id}-c-{claim.id}")
    assert row.is_visible() and row.evaluate("e => e.matches(':target')")
    row.locator("a.claim-page").first.click()
    page.wait_for_url(re.compile(rf"/claims/{re.escape(story.id)}/{claim.id}$"))
    page.locator("a.mention-link").first.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f]+#a-[0-9a-f]+-s\d+$"))
    target = page.evaluate("location.hash")
    sentence = page.locator(target)
    assert sentence.is_visible() and sentence.evaluate("e => e.matches(':target')")
    assert page.dialogs == []
